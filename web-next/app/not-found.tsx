import Link from "next/link";

export default function NotFound() {
  return (
    <div className="state state--muted">
      <strong>404</strong>
      <p>This page does not exist. <Link href="/">Back to the Cockpit</Link></p>
    </div>
  );
}
