import { useId, useRef } from 'react';

/**
 * A button that opens the file picker and hands over the chosen file's text. A real
 * <input type=file> carries the accessible name (its label), so keyboards, screen readers
 * and tests reach it as they would any upload.
 */
export function FileButton({ label, accept, onText, disabled }: { label: string; accept: string; onText: (text: string, name: string) => void; disabled?: boolean }) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  return (
    <span className="file-button">
      <label htmlFor={id} className={`button${disabled ? ' disabled' : ''}`}>
        {label}
      </label>
      <input
        id={id}
        ref={input}
        type="file"
        accept={accept}
        disabled={disabled}
        className="visually-hidden-input"
        onChange={async (event) => {
          const file = event.target.files?.[0];
          if (!file) return;
          const text = await file.text();
          if (input.current) input.current.value = ''; // the same file can be chosen again
          onText(text, file.name);
        }}
      />
    </span>
  );
}
