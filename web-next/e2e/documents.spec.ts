import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { expect, fitsPhones, shot, test } from "./fixtures";
import { readState } from "./stack";

interface Chunk { heading_path: string[]; page: number | null }
interface Detail { id: string; status: string; chunk_list: Chunk[] }

// Indexing waits for the embedding model, which loads in the background after boot.
const INDEXED_MS = 180_000;

test.describe("Documents", () => {
  test("a file uploaded with the button and one dropped become ready; a document's chunks open; delete asks first", async ({ page, api }) => {
    test.setTimeout(300_000);
    await page.goto("/documents");
    await expect(page.locator("main h1")).toHaveText("Documents");
    const name = `lighthouse-${Date.now()}.md`;
    const text = "# Lighthouse\n\n## Lamps\n\nThe lighthouse uses blue lamps.\n\n## Keepers\n\nTwo keepers work in shifts.\n";
    // Two files in one upload; the long one has more chunks than the detail shows at first.
    const long = `long-${Date.now()}.txt`;
    const paragraphs = Array.from({ length: 90 }, (_, i) => `Paragraph ${i + 1} of the harbour log. ${"The tide turned and the boats came home. ".repeat(16)}`);
    await page.getByTestId("file-input").setInputFiles([
      { name, mimeType: "text/markdown", buffer: Buffer.from(text) },
      { name: long, mimeType: "text/plain", buffer: Buffer.from(paragraphs.join("\n\n")) },
    ]);
    const row = page.getByTestId("document-row").filter({ hasText: name });
    await expect(row).toBeVisible();
    await expect(row).toHaveAttribute("data-status", "ready", { timeout: INDEXED_MS });
    const longRow = page.getByTestId("document-row").filter({ hasText: long });
    await expect(longRow).toHaveAttribute("data-status", "ready", { timeout: INDEXED_MS });
    const longId = (await longRow.getAttribute("data-doc-id")) ?? "";
    await longRow.getByTestId("document-open").click();
    await expect(page).toHaveURL(new RegExp(`id=${longId}`));
    const longChunks = ((await (await api.get(`/api/v1/documents/${longId}`)).json()) as Detail).chunk_list.length;
    expect(longChunks).toBeGreaterThan(50);
    await expect(page.getByTestId("document-detail").getByTestId("chunk")).toHaveCount(50);
    await page.getByTestId("chunks-all").click();
    await expect(page.getByTestId("document-detail").getByTestId("chunk")).toHaveCount(longChunks);
    await page.getByTestId("document-close").click();
    await expect(row.getByTestId("document-status")).toHaveText("Ready");
    expect(Number(await row.getByTestId("document-chunks").innerText())).toBeGreaterThan(0);

    // Drag and drop: a real drop event carrying a file, as a browser sends it.
    const dropped = `dropped-${"long".repeat(30)}-${Date.now()}.txt`;
    const transfer = await page.evaluateHandle((n) => {
      const dt = new DataTransfer();
      dt.items.add(new File(["A note that was dropped on the page."], n, { type: "text/plain" }));
      return dt;
    }, dropped);
    await page.getByTestId("dropzone").dispatchEvent("dragover", { dataTransfer: transfer });
    await page.getByTestId("dropzone").dispatchEvent("drop", { dataTransfer: transfer });
    const droppedRow = page.getByTestId("document-row").filter({ hasText: dropped });
    await expect(droppedRow).toHaveAttribute("data-status", "ready", { timeout: INDEXED_MS });
    // Its long name titles the detail panel: it wraps there, on a phone too.
    await droppedRow.getByTestId("document-open").click();
    await expect(page.getByTestId("document-detail").getByTestId("chunk")).toHaveCount(1);
    await fitsPhones(page);
    await page.getByTestId("document-close").click();

    // A file the API refuses shows the API's sentence and keeps nothing.
    const before = ((await (await api.get("/api/v1/documents")).json()) as { count: number }).count;
    await page.getByTestId("file-input").setInputFiles({ name: "empty.txt", mimeType: "text/plain", buffer: Buffer.alloc(0) });
    await expect(page.getByTestId("document-upload").getByTestId("error-state")).toBeVisible();
    expect(((await (await api.get("/api/v1/documents")).json()) as { count: number }).count).toBe(before);

    // The detail shows every chunk with its heading path, as the API has them.
    // Opened with the keyboard: focus moves to the detail, and back to the row when it closes.
    await row.getByTestId("document-open").focus();
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/\/documents\?id=[0-9a-f]{32}/);
    await expect(page.getByTestId("document-detail-box")).toBeFocused();
    const id = new URL(page.url()).searchParams.get("id") ?? "";
    const detail = (await (await api.get(`/api/v1/documents/${id}`)).json()) as Detail;
    const panel = page.getByTestId("document-detail");
    await expect(panel.getByTestId("detail-status")).toHaveText("Ready");
    await expect(panel.getByTestId("chunk")).toHaveCount(detail.chunk_list.length);
    for (const [i, c] of detail.chunk_list.entries()) {
      await expect(panel.getByTestId("chunk").nth(i).getByTestId("chunk-heading")).toHaveText(c.heading_path.length ? c.heading_path.join(" › ") : "no heading");
    }
    expect(detail.chunk_list.some((c) => c.heading_path.includes("Lamps"))).toBe(true);
    const original = await api.get(`/api/v1/documents/${id}/file`);
    expect(await original.text()).toBe(text);
    await expect(panel.getByTestId("document-download")).toHaveAttribute("href", new RegExp(`/api/v1/documents/${id}/file$`));
    await shot(page, "documents");
    await fitsPhones(page, "mobile-documents-detail");
    await panel.getByTestId("document-close").click();
    await expect(page.getByTestId("document-detail")).toHaveCount(0);
    await expect(row.getByTestId("document-open")).toBeFocused();

    // Delete: cancel keeps it, confirm removes it from the list and the API.
    await row.getByTestId("document-delete").click();
    await page.getByTestId("confirm-dialog").filter({ visible: true }).getByTestId("confirm-cancel").click();
    await expect(row).toBeVisible();
    await row.getByTestId("document-delete").click();
    await page.getByTestId("confirm-dialog").filter({ visible: true }).getByTestId("confirm-ok").click();
    await expect(row).toHaveCount(0);
    await expect(page.getByTestId("document-detail")).toHaveCount(0);
    expect((await api.get(`/api/v1/documents/${id}`)).status()).toBe(404);
  });

  test("a folder inside the workspace is added, synced and removed; one outside shows the API's refusal", async ({ page, api }) => {
    test.setTimeout(300_000);
    const dir = path.join(readState().dir, "workspace", "e2e-notes");
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "ships.md"), "# Ships\n\nThe harbour has three ships.\n");
    writeFileSync(path.join(dir, "tides.txt"), "High tide comes twice a day.\n");
    await page.goto("/documents");

    const outside = "../outside";
    const refusal = await api.post("/api/v1/documents/folders", { data: { path: outside } });
    expect(refusal.ok()).toBe(false);
    const message = ((await refusal.json()) as { error: { message: string } }).error.message;
    await page.getByLabel("Folder in the workspace").fill(outside);
    await page.getByLabel("Folder in the workspace").press("Enter");
    await expect(page.getByTestId("folders").getByTestId("error-state")).toContainText(message);

    await page.getByTestId("folder-path").fill("e2e-notes");
    await page.getByTestId("folder-add").click();
    const folder = page.getByTestId("folder-row").filter({ hasText: "e2e-notes" });
    await expect(folder).toHaveAttribute("data-status", "synced", { timeout: INDEXED_MS });
    await expect(folder.getByTestId("folder-counts")).toContainText("2 files");
    await expect(folder.getByTestId("folder-docs")).toHaveText("2 / 2 documents ready", { timeout: INDEXED_MS });
    await expect(page.getByTestId("document-row").filter({ hasText: "ships.md" })).toHaveAttribute("data-status", "ready");
    await shot(page, "documents-folder");
    await fitsPhones(page, "mobile-documents-folder");

    // A new file is picked up by a rescan.
    writeFileSync(path.join(dir, "lamps.md"), "# Lamps\n\nThe lamps are blue.\n");
    await folder.getByTestId("folder-rescan").click();
    await expect(folder.getByTestId("folder-docs")).toHaveText("3 / 3 documents ready", { timeout: INDEXED_MS });

    await folder.getByTestId("folder-remove").click();
    await page.getByTestId("confirm-dialog").filter({ visible: true }).getByTestId("confirm-ok").click();
    await expect(folder).toHaveCount(0);
    await expect(page.getByTestId("document-row").filter({ hasText: "ships.md" })).toHaveCount(0);
    const left = (await (await api.get("/api/v1/documents/folders")).json()) as { path: string }[];
    expect(left.some((f) => f.path === "e2e-notes")).toBe(false);
  });
});
