"use client";

import { useEffect, useRef } from "react";
import { useT } from "@/components/providers/Preferences";

/** A modal confirmation on the native <dialog> (focus trap and Escape come for free). */
export function ConfirmDialog({ open, message, danger, onConfirm, onCancel }: { open: boolean; message: string; danger?: boolean; onConfirm: () => void; onCancel: () => void }) {
  const t = useT();
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} className="dialog" data-testid="confirm-dialog" onCancel={(e) => { e.preventDefault(); onCancel(); }}>
      <p>{message}</p>
      <div className="dialog__actions">
        <button type="button" className="btn btn--ghost" onClick={onCancel} data-testid="confirm-cancel">{t("common.cancel")}</button>
        <button type="button" className={`btn${danger ? " btn--danger" : " btn--primary"}`} onClick={onConfirm} data-testid="confirm-ok" autoFocus>
          {t("common.confirm")}
        </button>
      </div>
    </dialog>
  );
}
