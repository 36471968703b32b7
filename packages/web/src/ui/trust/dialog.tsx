import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef } from 'preact/hooks';

export interface DialogAction {
  label: string;
  primary?: boolean;
  run: () => void;
}

/**
 * A question that needs an answer before going on: the browser's modal `<dialog>` (focus moves
 * into it and stays there, Escape closes it, the page behind is inert). The first action has
 * the focus; `onClose` runs on Escape.
 */
export function Dialog(props: {
  title: string;
  children: ComponentChildren;
  actions: readonly DialogAction[];
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (!dialog.open) dialog.showModal();
    return () => dialog.close();
  }, []);
  return (
    <dialog
      ref={ref}
      class="dialog"
      aria-labelledby={`${id}-title`}
      onCancel={(event) => {
        event.preventDefault();
        props.onClose();
      }}
    >
      <h2 id={`${id}-title`}>{props.title}</h2>
      {props.children}
      <div class="actions">
        {props.actions.map((action, index) => (
          <button
            key={action.label}
            type="button"
            class={action.primary ? 'primary' : undefined}
            autoFocus={index === 0}
            onClick={action.run}
          >
            {action.label}
          </button>
        ))}
      </div>
    </dialog>
  );
}
