import { ConfigScreen } from "@/components/config/ConfigScreen";

export default function ConfigPage() {
  return <ConfigScreen />;
}
