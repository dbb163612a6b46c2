"use client";

import { useT } from "@/components/providers/Preferences";

/** The first stop of the Tab key: straight to the page's content, past the navigation. */
export function SkipLink() {
  const t = useT();
  return (
    <a className="skip-link" href="#content" data-testid="skip-link">
      {t("app.skip")}
    </a>
  );
}
