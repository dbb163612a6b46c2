import type { APIRequestContext } from "@playwright/test";
import { expect, fitsPhones, lastAnswer, llmReady, send, shot, test } from "./fixtures";

// Indexing waits for the embedding model, which loads in the background after boot.
const INDEXED_MS = 180_000;

interface Uploaded { documents: { id: string }[] }

/** Upload one text file through the API and wait until it is indexed; answers its id. */
async function upload(api: APIRequestContext, name: string, text: string): Promise<string> {
  const res = await api.post("/api/v1/documents", { multipart: { file: { name, mimeType: "text/plain", buffer: Buffer.from(text) } } });
  expect(res.ok(), await res.text()).toBeTruthy();
  const id = ((await res.json()) as Uploaded).documents[0]?.id ?? "";
  await expect
    .poll(async () => ((await (await api.get(`/api/v1/documents/${id}`)).json()) as { status: string }).status, { timeout: INDEXED_MS, intervals: [500, 1000, 2000] })
    .toBe("ready");
  return id;
}

test.describe("Citations", () => {
  test("an answer from a document shows its passages; a chip opens the passage highlighted; Esc closes", async ({ page, api }) => {
    test.setTimeout(300_000);
    test.skip(!(await llmReady(api)), "no language model: a task without an answer carries no citations");
    const tag = Date.now().toString(36);
    const name = `zorblat-${tag}.txt`;
    const text = `The Zorblat lighthouse on Kelvin Island uses blue lamps.\n\nIts two keepers, Ada and Brun, work in shifts of six hours each.\n`;
    const docId = await upload(api, name, text);

    await page.goto("/");
    await expect(page.getByTestId("ws-state")).toHaveText(/live/i);
    await send(page, "What colour are the lamps of the Zorblat lighthouse on Kelvin Island?");
    const answer = lastAnswer(page);
    await expect(answer).toHaveAttribute("data-status", "COMPLETED", { timeout: 120_000 });
    // The passages come from retrieval, not from the model's words: the task lists this document.
    const taskId = (await answer.getAttribute("data-task-id")) ?? "";
    const task = (await (await api.get(`/api/v1/tasks/${taskId}`)).json()) as { citations: { document_id: string; cited: boolean }[] };
    expect(task.citations.some((c) => c.document_id === docId)).toBeTruthy();

    const chips = answer.getByTestId("citation-chip").and(page.locator(`[data-doc-id="${docId}"]`));
    await expect(chips.first()).toBeVisible();
    await expect(chips.first()).toContainText(name);
    await expect(chips.first()).toContainText(/\[\d+\]/);
    // Uncited passages are listed apart, as sources consulted.
    if (task.citations.some((c) => !c.cited)) await expect(answer.getByTestId("sources-consulted")).toBeVisible();

    const chip = chips.first();
    await chip.click();
    const drawer = page.getByTestId("passage-drawer");
    await expect(drawer).toBeVisible();
    await expect(drawer.getByTestId("passage-text")).toContainText("blue lamps");
    await expect(drawer.getByTestId("passage-mark")).toBeVisible();
    const href = (await drawer.getByTestId("passage-download").getAttribute("href")) ?? "";
    expect(href).toContain(`/api/v1/documents/${docId}/file`);
    expect(await (await api.get(`/api/v1/documents/${docId}/file`)).text()).toBe(text);
    await fitsPhones(page, undefined, [360, 430]);
    await shot(page, "citations-drawer");
    await page.keyboard.press("Escape");
    await expect(drawer).toBeHidden();
    await expect(chip).toBeFocused();
    // Keyboard only: Enter on the focused chip opens it again, the close button closes it.
    await page.keyboard.press("Enter");
    await expect(drawer).toBeVisible();
    await drawer.getByTestId("passage-close").click();
    await expect(drawer).toBeHidden();
    await fitsPhones(page, undefined, [360, 430]);
  });

  test("the # picker chooses documents as chips and the task is restricted to them", async ({ page, api }) => {
    test.setTimeout(300_000);
    const tag = Date.now().toString(36);
    const wanted = `quillon-${tag}.txt`;
    const other = `quillon-other-${tag}.txt`;
    const wantedId = await upload(api, wanted, "The Quillon bridge over the Marrow river was painted orange in spring.\n");
    const otherId = await upload(api, other, "The Quillon bridge over the Marrow river has nine arches of grey stone.\n");

    await page.goto("/");
    const input = page.getByTestId("prompt-input");
    await input.fill("Tell me about the bridge #quillon-");
    const list = page.getByTestId("doc-suggestions");
    await expect(list.getByTestId("doc-suggestion").filter({ hasText: wanted })).toBeVisible();
    await expect(list.getByTestId("doc-suggestion").filter({ hasText: other })).toBeVisible();
    // Filtering as one types: the other document's name no longer matches.
    await input.pressSequentially(tag);
    await expect(list.getByTestId("doc-suggestion")).toHaveCount(1);
    await expect(list.getByTestId("doc-suggestion")).toHaveAttribute("data-doc-id", wantedId);
    await input.press("Enter");
    await expect(list).toBeHidden();
    await expect(page.getByTestId("doc-chip")).toHaveCount(1);
    await expect(page.getByTestId("doc-chip")).toHaveAttribute("data-doc-id", wantedId);
    await expect(input).toHaveValue("Tell me about the bridge ");

    // A second chip by mouse, then removed with its x; Backspace at the start removes the last one.
    await input.pressSequentially(`#quillon-other`);
    await list.getByTestId("doc-suggestion").filter({ hasText: other }).click();
    await expect(page.getByTestId("doc-chip")).toHaveCount(2);
    await page.getByTestId("doc-chip").filter({ hasText: other }).getByTestId("doc-chip-remove").click();
    await expect(page.getByTestId("doc-chip")).toHaveCount(1);
    await input.pressSequentially("#quillon-other");
    await input.press("Enter");
    await expect(page.getByTestId("doc-chip")).toHaveCount(2);
    await input.press("Home");
    await input.evaluate((el: HTMLTextAreaElement) => el.setSelectionRange(0, 0));
    await input.press("Backspace");
    await expect(page.getByTestId("doc-chip")).toHaveCount(1);
    await expect(page.getByTestId("doc-chip")).toHaveAttribute("data-doc-id", wantedId);
    await fitsPhones(page, undefined, [360, 430]);

    await input.fill("What colour was the Quillon bridge painted?");
    const posted = page.waitForRequest((r) => r.method() === "POST" && new URL(r.url()).pathname === "/api/v1/tasks");
    await page.getByTestId("send-button").click();
    const body = (await posted).postDataJSON() as { document_ids?: string[] };
    expect(body.document_ids).toEqual([wantedId]);
    const answer = lastAnswer(page);
    await expect(answer).not.toHaveAttribute("data-task-id", "");
    if (await llmReady(api)) {
      await expect(answer).toHaveAttribute("data-status", "COMPLETED", { timeout: 120_000 });
      // Retrieval was restricted: no passage from the other document, although it matches too.
      await expect(answer.getByTestId("citation-chip").first()).toBeVisible();
      await expect(answer.locator(`[data-testid="citation-chip"][data-doc-id="${otherId}"]`)).toHaveCount(0);
    }
    // The chosen documents stay as the scope of the next question.
    await expect(page.getByTestId("doc-chip")).toHaveCount(1);
  });
});
