import type { Page } from "@playwright/test";
import { expect, lastAnswer, send, shot, test } from "./fixtures";

/** Fast-path messages only (`/help …` is answered without a model), so nothing here depends on model words.
 *  The server stores a turn without its slash command: "/help otter" is kept (and titled) as "otter". */
const rows = (page: Page) => page.getByTestId("conversation");
const row = (page: Page, sid: string) => page.locator(`[data-testid=conversation][data-session-id="${sid}"]`);
/** The open confirmation (the Queue panel keeps its own closed <dialog> on the page too). */
const dialog = (page: Page) => page.getByRole("dialog");
const sessionOf = async (page: Page) => (await page.getByTestId("session-id").innerText()).trim();

async function ask(page: Page, text: string): Promise<void> {
  await send(page, text);
  await expect(lastAnswer(page)).toHaveAttribute("data-status", "COMPLETED");
}

async function noHorizontalScroll(page: Page): Promise<void> {
  const { scroll, inner } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
  expect(scroll).toBeLessThanOrEqual(inner);
}

test.describe("Conversations", () => {
  test("list, reopen, rename, pin, delete and search the conversations", async ({ page, api }) => {
    test.setTimeout(120_000);
    await page.goto("/");
    await page.getByTestId("conversation-new").click();
    await ask(page, "/help walrus");
    const older = await sessionOf(page);
    await expect(rows(page).first()).toHaveAttribute("data-session-id", older);

    await page.getByTestId("conversation-new").click();
    await expect(page.getByTestId("conversation-draft")).toBeVisible();
    await expect(page.getByTestId("bubble-user")).toHaveCount(0);
    await ask(page, "/help otter");
    await ask(page, "/help kestrel");
    const newer = await sessionOf(page);
    expect(newer).not.toBe(older);
    // Newest first; the current one is highlighted.
    await expect(rows(page).nth(0)).toHaveAttribute("data-session-id", newer);
    await expect(rows(page).nth(1)).toHaveAttribute("data-session-id", older);
    await expect(row(page, newer).getByTestId("conversation-open")).toHaveAttribute("aria-current", "true");
    await expect(row(page, newer).getByTestId("conversation-title")).toHaveText("otter");
    await shot(page, "cockpit-conversations");

    // A reload keeps both, in order, and the current conversation.
    await page.reload();
    await expect(rows(page).nth(0)).toHaveAttribute("data-session-id", newer);
    await expect(rows(page).nth(1)).toHaveAttribute("data-session-id", older);
    await expect(page.getByTestId("session-id")).toHaveText(newer);
    await expect(row(page, newer).getByTestId("conversation-open")).toHaveAttribute("aria-current", "true");
    await expect(page.getByTestId("bubble-user")).toHaveText(["/help otter", "/help kestrel"]);

    // Reopen the older one: its history comes from the server (its local copy went with "New chat").
    await row(page, older).getByTestId("conversation-open").click();
    await expect(page.getByTestId("session-id")).toHaveText(older);
    await expect(page.getByTestId("bubble-user")).toHaveText([/walrus/]);
    await expect(lastAnswer(page)).toContainText("Slash commands");
    await expect(row(page, older).getByTestId("conversation-open")).toHaveAttribute("aria-current", "true");
    // ... and continues in that session, which moves it to the top.
    await ask(page, "/help again");
    const taskId = (await lastAnswer(page).getAttribute("data-task-id")) ?? "";
    const task = (await (await api.get(`/api/v1/tasks/${taskId}`)).json()) as { request: { session_id?: string } };
    expect(task.request.session_id).toBe(older);
    await expect(rows(page).nth(0)).toHaveAttribute("data-session-id", older);

    // Rename inline; the new title is stored.
    await row(page, older).getByTestId("conversation-rename").click();
    await row(page, older).getByTestId("conversation-title-input").fill("Walrus notes");
    await row(page, older).getByTestId("conversation-title-input").press("Enter");
    await expect(row(page, older).getByTestId("conversation-title")).toHaveText("Walrus notes");
    await page.reload();
    await expect(row(page, older).getByTestId("conversation-title")).toHaveText("Walrus notes");

    // Pin the other one: it goes on top, also after a reload.
    await row(page, newer).getByTestId("conversation-pin").click();
    await expect(row(page, newer)).toHaveAttribute("data-pinned", "true");
    await expect(rows(page).nth(0)).toHaveAttribute("data-session-id", newer);
    await page.reload();
    await expect(rows(page).nth(0)).toHaveAttribute("data-session-id", newer);
    await expect(row(page, newer).getByTestId("conversation-pin")).toHaveAttribute("aria-pressed", "true");

    // Delete the current one, after a confirmation: the chat starts afresh and it stays gone.
    await row(page, older).getByTestId("conversation-delete").click();
    await expect(dialog(page)).toBeVisible();
    await dialog(page).getByTestId("confirm-cancel").click();
    await expect(row(page, older)).toHaveCount(1);
    await row(page, older).getByTestId("conversation-delete").click();
    await dialog(page).getByTestId("confirm-ok").click();
    await expect(row(page, older)).toHaveCount(0);
    await expect(page.getByTestId("session-id")).not.toHaveText(older);
    await expect(page.getByTestId("conversation-draft")).toBeVisible();
    await page.reload();
    await expect(rows(page).nth(0)).toHaveAttribute("data-session-id", newer);
    await expect(row(page, older)).toHaveCount(0);
    expect((await api.get(`/api/v1/sessions/${encodeURIComponent(older)}`)).status()).toBe(404);

    // Search reaches message text, not only titles ("kestrel" is the second message of "/help otter").
    await page.getByTestId("conversations-search").fill("kestrel");
    await expect(rows(page)).toHaveCount(1);
    await expect(rows(page).first()).toHaveAttribute("data-session-id", newer);
    await page.getByTestId("conversations-search").fill("walrus");
    await expect(rows(page)).toHaveCount(0);
    await page.getByTestId("conversations-search").fill("");
    await expect(row(page, newer)).toHaveCount(1);

    expect((await api.patch(`/api/v1/sessions/${encodeURIComponent(newer)}`, { data: { pinned: false } })).ok()).toBe(true);
  });

  test("more conversations than a page load through the Link header", async ({ page, api }) => {
    // Fill the list past one page (30 rows) through the API, the way the UI's own chats are stored.
    const before = (await (await api.get("/api/v1/sessions", { params: { limit: 200 } })).json()) as unknown[];
    const needed = Math.max(0, 31 - before.length);
    for (let i = 0; i < needed; i++) {
      const created = (await (await api.post("/api/v1/tasks", { data: { content: "/help", session_id: `e2e-page-${i}` } })).json()) as { task_id: string };
      await expect.poll(async () => ((await (await api.get(`/api/v1/tasks/${created.task_id}`)).json()) as { status: string }).status).toBe("COMPLETED");
    }
    await page.goto("/");
    await expect(rows(page)).toHaveCount(30);
    await page.getByTestId("conversations-more").click();
    await expect.poll(() => rows(page).count()).toBeGreaterThan(30);
    const ids = await rows(page).evaluateAll((els) => els.map((e) => e.getAttribute("data-session-id")));
    expect(new Set(ids).size).toBe(ids.length);
  });

  test("two tabs stay in sync: renames, new conversations and new turns show up live", async ({ page, context }) => {
    await page.goto("/");
    await page.getByTestId("conversation-new").click();
    await ask(page, "/help heron");
    const sid = await sessionOf(page);
    const other = await context.newPage();
    await other.goto("/");
    // The same context shares localStorage: the second tab opens the same conversation.
    await expect(other.getByTestId("session-id")).toHaveText(sid);
    await expect(other.getByTestId("ws-state")).toHaveText(/live/i);
    await expect(page.getByTestId("ws-state")).toHaveText(/live/i);

    await row(other, sid).getByTestId("conversation-rename").click();
    await row(other, sid).getByTestId("conversation-title-input").fill("Heron watch");
    await row(other, sid).getByTestId("conversation-title-input").press("Enter");
    await expect(row(page, sid).getByTestId("conversation-title")).toHaveText("Heron watch");

    // A turn sent from the other tab appears in this one when its task ends.
    await ask(other, "/help egret");
    await expect(page.getByTestId("bubble-user")).toHaveText(["/help heron", /egret/]);

    // A conversation started in the other tab appears in this tab's list.
    await other.getByTestId("conversation-new").click();
    await ask(other, "/help plover");
    const fresh = await sessionOf(other);
    await expect(row(page, fresh)).toHaveCount(1);

    // Deleted in one tab: gone in the other, which starts a new chat if it was showing it.
    await row(other, sid).getByTestId("conversation-delete").click();
    await dialog(other).getByTestId("confirm-ok").click();
    await expect(row(page, sid)).toHaveCount(0);
    await expect(page.getByTestId("session-id")).not.toHaveText(sid);
    await other.close();
  });

  test("at 390 px the list is a drawer and nothing scrolls sideways", async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto("/");
    await ask(page, "/help puffin");
    const sid = await sessionOf(page);
    await expect(page.getByTestId("conversations")).toBeHidden();
    await expect(page.getByTestId("conversations-toggle")).toHaveAttribute("aria-expanded", "false");
    await noHorizontalScroll(page);
    await shot(page, "cockpit-mobile");

    await page.getByTestId("conversations-toggle").click();
    await expect(page.getByTestId("conversations")).toBeVisible();
    await expect(page.getByTestId("conversations-toggle")).toHaveAttribute("aria-expanded", "true");
    await expect(row(page, sid)).toBeVisible();
    await noHorizontalScroll(page);
    await shot(page, "cockpit-mobile-conversations");

    // Escape closes it; choosing a conversation closes it too.
    await page.keyboard.press("Escape");
    await expect(page.getByTestId("conversations")).toBeHidden();
    await page.getByTestId("conversations-toggle").click();
    await row(page, sid).getByTestId("conversation-open").click();
    await expect(page.getByTestId("conversations")).toBeHidden();
    await expect(page.getByTestId("session-id")).toHaveText(sid);
    await noHorizontalScroll(page);
  });
});
