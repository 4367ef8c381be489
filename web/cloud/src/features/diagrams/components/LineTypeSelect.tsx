import { Select } from '@monozu/ui';
import type { ComponentProps } from 'react';
import { LINE_TYPES, type LineType } from './edge-style';

/** A select of the connection line types (the toolbar's default for new connections, the edge panel's). */
export function LineTypeSelect({ value, onChange, ...props }: Omit<ComponentProps<typeof Select>, 'value' | 'onChange'> & { value: LineType; onChange: (t: LineType) => void }) {
  return (
    <Select {...props} value={value} onChange={(e) => onChange(e.target.value as LineType)}>
      {LINE_TYPES.map((t) => (
        <option key={t.value} value={t.value}>
          {t.label}
        </option>
      ))}
    </Select>
  );
}
