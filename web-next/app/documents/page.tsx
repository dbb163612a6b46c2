import { Suspense } from "react";
import { Documents } from "@/components/documents/Documents";

export default function DocumentsPage() {
  return (
    <Suspense>
      <Documents />
    </Suspense>
  );
}
