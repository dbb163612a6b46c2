import { Strategy } from "@/components/strategy/Strategy";

export default function StrategyPage() {
  return <Strategy />;
}
