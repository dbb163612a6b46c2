"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";
import { useT } from "@/components/providers/Preferences";
import type { TKey } from "@/lib/i18n";

const NAV: { href: string; key: TKey; icon: string }[] = [
  { href: "/", key: "nav.cockpit", icon: "◈" },
  { href: "/brain", key: "nav.brain", icon: "◉" },
  { href: "/documents", key: "nav.documents", icon: "▤" },
  { href: "/tools", key: "nav.tools", icon: "⚒" },
  { href: "/models", key: "nav.models", icon: "◇" },
  { href: "/strategy", key: "nav.strategy", icon: "◭" },
  { href: "/automations", key: "nav.automations", icon: "◷" },
  { href: "/inspector", key: "nav.inspector", icon: "◎" },
  { href: "/config", key: "nav.config", icon: "⚙" },
];

/** The main navigation: a column on wide screens; on phones a drawer behind the Menu button
 *  (a row of five links forced the page wider than a 390 px screen). */
export function Sidebar() {
  const t = useT();
  const path = usePathname();
  const [open, setOpen] = useState(false);
  const toggle = useRef<HTMLButtonElement>(null);
  const close = useCallback((refocus: boolean) => {
    setOpen(false);
    if (refocus) toggle.current?.focus();
  }, []);
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") close(true);
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [open, close]);
  return (
    <nav className="sidebar" data-testid="sidebar" aria-label="Main">
      <div className="brand">
        <span className="brand__mark" aria-hidden>V</span>
        <div>
          <div className="brand__name">Venom</div>
          <div className="brand__tag">{t("app.tagline")}</div>
        </div>
      </div>
      <button ref={toggle} type="button" className="btn btn--ghost sidebar__menu" aria-expanded={open} aria-controls="nav-drawer" onClick={() => setOpen((o) => !o)} data-testid="nav-menu">
        ☰ {t("shell.menu")}
      </button>
      <div id="nav-drawer" className="nav-drawer" data-open={open} data-testid="nav-drawer">
        <button type="button" className="btn btn--ghost btn--sm sidebar__close" onClick={() => close(true)} aria-label={t("shell.closeMenu")} data-testid="nav-close">✕</button>
        <ul className="nav">
          {NAV.map((item) => {
            const active = item.href === "/" ? path === "/" : path.startsWith(item.href);
            return (
              <li key={item.href}>
                <Link href={item.href} onClick={() => close(false)} className={`nav__link${active ? " nav__link--active" : ""}`} aria-current={active ? "page" : undefined} data-testid={`nav-${item.key.split(".")[1]}`}>
                  <span className="nav__icon" aria-hidden>{item.icon}</span>
                  <span>{t(item.key)}</span>
                </Link>
              </li>
            );
          })}
        </ul>
      </div>
      {open ? <div className="nav-backdrop" onClick={() => close(true)} aria-hidden data-testid="nav-backdrop" /> : null}
    </nav>
  );
}
