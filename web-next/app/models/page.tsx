import { Models } from "@/components/models/Models";

export default function ModelsPage() {
  return <Models />;
}
