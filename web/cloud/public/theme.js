// Applies the saved theme before first paint (no flash). A file, not an
// inline script: the Content-Security-Policy allows only the app's own files.
try {
  var t = localStorage.getItem('monozu.theme');
  if (t === 'dark' || (!t && matchMedia('(prefers-color-scheme: dark)').matches))
    document.documentElement.classList.add('dark');
} catch (e) {}
