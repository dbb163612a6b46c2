import { Suspense } from "react";
import { Inspector } from "@/components/inspector/Inspector";

export default function InspectorPage() {
  return (
    <Suspense>
      <Inspector />
    </Suspense>
  );
}
