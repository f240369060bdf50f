import type { ReactNode } from 'react';

/** One tab of a tab list: selected or not, selected by a click. */
export function Tab({ on, onSelect, children }: { on: boolean; onSelect: () => void; children: ReactNode }) {
  return (
    <button type="button" role="tab" aria-selected={on} className={on ? 'on' : ''} onClick={onSelect}>
      {children}
    </button>
  );
}

/** A date typed as YYYY-MM-DD (Chromium's date picker writes dates in its own locale, not Kyrgyz). */
export function DateField(props: {
  label: string;
  value: string;
  placeholder: string;
  onChange: (v: string) => void;
}) {
  return (
    <label>
      {props.label}{' '}
      <input
        type="text"
        size={10}
        placeholder={props.placeholder}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </label>
  );
}

/** Save a base64 file from the backend: a download in the browser (Electron asks where to save it). */
export function saveFile(file: { fileName: string; mime: string; base64: string }): void {
  const bytes = Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], { type: file.mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = file.fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
