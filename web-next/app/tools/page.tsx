import { Tools } from "@/components/tools/Tools";

export default function ToolsPage() {
  return <Tools />;
}
