import { Spinner } from '@monozu/ui';
import { toDataURL } from 'qrcode';
import { useEffect, useState } from 'react';

/** A QR code of value, drawn in the browser (the secret never leaves it for an image service). */
export function QrCode({ value, label }: { value: string; label: string }) {
  const [src, setSrc] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    toDataURL(value, { margin: 1, width: 208, errorCorrectionLevel: 'M' })
      .then((url) => live && setSrc(url))
      .catch(() => live && setFailed(true));
    return () => {
      live = false;
    };
  }, [value]);
  if (failed) return <p className="text-sm text-destructive">The QR code could not be drawn; enter the key by hand.</p>;
  if (!src) return <Spinner label="Drawing the QR code…" />;
  return <img src={src} alt={label} width={208} height={208} className="rounded border bg-white p-1" />;
}
