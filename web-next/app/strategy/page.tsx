export default function Page() {
  return <p>strategy</p>;
}
