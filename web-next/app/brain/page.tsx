export default function Page() {
  return <p>brain</p>;
}
