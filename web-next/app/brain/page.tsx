import { Brain } from "@/components/brain/Brain";

export default function BrainPage() {
  return <Brain />;
}
