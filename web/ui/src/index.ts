export { cn } from './lib/cn';
export { resolveTheme, themeStore, useTheme } from './lib/theme';
export type { Theme, ThemeChoice } from './lib/theme';
export { Alert } from './components/alert';
export type { AlertProps } from './components/alert';
export { AppShell, navItemClass } from './components/app-shell';
export type { AppShellProps } from './components/app-shell';
export { Badge, badgeVariants } from './components/badge';
export { Button, buttonVariants } from './components/button';
export type { ButtonProps } from './components/button';
export { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from './components/card';
export {
  ConfirmDialog,
  Dialog,
  DialogClose,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from './components/dialog';
export type { ConfirmDialogProps } from './components/dialog';
export {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuGroup,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from './components/dropdown-menu';
export { FormField } from './components/form-field';
export type { FormFieldProps } from './components/form-field';
export { Input, Select } from './components/input';
export { Label } from './components/label';
export { PageHeader } from './components/page-header';
export { Spinner } from './components/spinner';
export { Table, TableBody, TableCaption, TableCell, TableHead, TableHeader, TableRow, TableState } from './components/table';
export type { TableStateProps } from './components/table';
export { ThemeToggle } from './components/theme-toggle';
export { ListInput } from './components/list-input';
export type { ListInputProps } from './components/list-input';
export { QueryError } from './components/query-error';
export type { QueryErrorProps } from './components/query-error';
export { Progress } from './components/progress';
export type { ProgressProps } from './components/progress';
export { Tabs } from './components/tabs';
export type { TabItem, TabsProps } from './components/tabs';
export { Textarea } from './components/textarea';
export { CopyButton } from './components/copy-button';
export { LoadMore } from './components/load-more';
export type { LoadMoreProps, PagedQuery } from './components/load-more';
export { DataTable } from './components/data-table';
export type { DataTableColumn, DataTableProps, ListQueryState } from './components/data-table';
