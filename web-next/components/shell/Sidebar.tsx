"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useT } from "@/components/providers/Preferences";
import type { TKey } from "@/lib/i18n";

const NAV: { href: string; key: TKey; icon: string }[] = [
  { href: "/", key: "nav.cockpit", icon: "◈" },
  { href: "/brain", key: "nav.brain", icon: "◉" },
  { href: "/strategy", key: "nav.strategy", icon: "◭" },
  { href: "/inspector", key: "nav.inspector", icon: "◎" },
  { href: "/config", key: "nav.config", icon: "⚙" },
];

export function Sidebar() {
  const t = useT();
  const path = usePathname();
  return (
    <nav className="sidebar" data-testid="sidebar" aria-label="Main">
      <div className="brand">
        <span className="brand__mark" aria-hidden>V</span>
        <div>
          <div className="brand__name">Venom</div>
          <div className="brand__tag">{t("app.tagline")}</div>
        </div>
      </div>
      <ul className="nav">
        {NAV.map((item) => {
          const active = item.href === "/" ? path === "/" : path.startsWith(item.href);
          return (
            <li key={item.href}>
              <Link href={item.href} className={`nav__link${active ? " nav__link--active" : ""}`} aria-current={active ? "page" : undefined} data-testid={`nav-${item.key.split(".")[1]}`}>
                <span className="nav__icon" aria-hidden>{item.icon}</span>
                <span>{t(item.key)}</span>
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
