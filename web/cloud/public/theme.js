// Applies the saved theme before first paint (no flash). A file, not an
// inline script: the Content-Security-Policy allows only the app's own files.
// No entry means "system": follow the operating system's setting.
try {
  var t = localStorage.getItem('monozu.theme');
  if (t === 'dark' || (t !== 'light' && matchMedia('(prefers-color-scheme: dark)').matches))
    document.documentElement.classList.add('dark');
} catch (e) {}
