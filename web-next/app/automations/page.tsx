import { Automations } from "@/components/automations/Automations";

export default function AutomationsPage() {
  return <Automations />;
}
