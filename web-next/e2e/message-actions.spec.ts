import { writeFileSync } from "node:fs";
import path from "node:path";
import type { Page } from "@playwright/test";
import { expect, lastAnswer, send, shot, test } from "./fixtures";
import { readState } from "./stack";

/** Structure only, never model words: `/help` is answered without a model, and the code block comes
 *  from a workspace file the Librarian shows verbatim in a fence (`/file read …`). */
test.use({ permissions: ["clipboard-read", "clipboard-write"] });

const clipboard = (page: Page) => page.evaluate(() => navigator.clipboard.readText());

async function ask(page: Page, text: string, timeout = 15_000): Promise<void> {
  await send(page, text);
  await expect(lastAnswer(page)).toHaveAttribute("data-status", "COMPLETED", { timeout });
}

test.describe("Message actions", () => {
  test("regenerate keeps both answers and pages between them, also after a reload", async ({ page }) => {
    await page.goto("/");
    await page.getByTestId("new-chat").click();
    await ask(page, "/help heron");
    const answer = lastAnswer(page);
    const first = (await answer.getAttribute("data-task-id")) ?? "";
    expect(first).not.toBe("");
    await expect(answer.getByTestId("versions")).toHaveCount(0);

    await answer.getByTestId("regenerate").click();
    await expect(answer.getByTestId("version-label")).toHaveText("2/2");
    await expect(answer).toHaveAttribute("data-status", "COMPLETED");
    const second = (await answer.getAttribute("data-task-id")) ?? "";
    expect(second).not.toBe("");
    expect(second).not.toBe(first);
    await expect(answer.getByTestId("answer-text")).not.toBeEmpty();
    await expect(answer.getByTestId("answer-meta")).toBeVisible();

    await answer.getByTestId("version-prev").click();
    await expect(answer.getByTestId("version-label")).toHaveText("1/2");
    await expect(answer).toHaveAttribute("data-task-id", first);
    await expect(answer.getByTestId("version-prev")).toBeDisabled();
    await answer.getByTestId("version-next").click();
    await expect(answer).toHaveAttribute("data-task-id", second);
    await shot(page, "cockpit-regenerate");

    // A reload: still one question and one answer with two versions (the server stores the
    // regenerated task as a turn; it is not shown as a second answer).
    await page.reload();
    await expect(page.getByTestId("bubble-user")).toHaveCount(1);
    await expect(page.getByTestId("bubble-assistant")).toHaveCount(1);
    await expect(lastAnswer(page).getByTestId("version-label")).toHaveText("2/2");
    await expect(lastAnswer(page)).toHaveAttribute("data-task-id", second);

    // New chat drops the local copy; reopened from the list, the history comes from the server and
    // the versions are still attached to the answer.
    const sid = (await page.getByTestId("session-id").innerText()).trim();
    await page.getByTestId("new-chat").click();
    await expect(page.getByTestId("session-id")).not.toHaveText(sid);
    await page.locator(`[data-testid=conversation][data-session-id="${sid}"]`).getByTestId("conversation-open").click();
    await expect(page.getByTestId("session-id")).toHaveText(sid);
    await expect(page.getByTestId("bubble-user")).toHaveCount(1);
    await expect(page.getByTestId("bubble-assistant")).toHaveCount(1);
    await expect(lastAnswer(page).getByTestId("version-label")).toHaveText("2/2");
    await lastAnswer(page).getByTestId("version-prev").click();
    await expect(lastAnswer(page)).toHaveAttribute("data-task-id", first);
  });

  test("edit a question and send it again", async ({ page }) => {
    await page.goto("/");
    await page.getByTestId("new-chat").click();
    await ask(page, "/help ibis");
    await page.getByTestId("bubble-user").last().getByTestId("edit-message").click();
    const input = page.getByTestId("edit-input");
    await expect(input).toBeFocused();
    await expect(input).toHaveValue("/help ibis");
    // Escape leaves the message as it was.
    await page.keyboard.press("Escape");
    await expect(page.getByTestId("edit-input")).toHaveCount(0);
    await page.getByTestId("bubble-user").last().getByTestId("edit-message").click();
    await page.getByTestId("edit-input").fill("/help crane");
    await page.getByTestId("edit-send").click();
    await expect(page.getByTestId("bubble-user")).toHaveCount(2);
    await expect(page.getByTestId("bubble-user").last()).toContainText("/help crane");
    await expect(page.getByTestId("bubble-assistant")).toHaveCount(2);
    await expect(lastAnswer(page)).toHaveAttribute("data-status", "COMPLETED");
    const ids = await page.getByTestId("bubble-assistant").evaluateAll((els) => els.map((e) => e.getAttribute("data-task-id")));
    expect(new Set(ids).size).toBe(2);
  });

  test("copy an answer and copy a highlighted code block", async ({ page, api }) => {
    test.setTimeout(180_000);
    const code = 'def greet(name: str) -> str:\n    """Say hello."""\n    return f"hello {name}"\n\n\nclass Greeter:\n    def __init__(self, who):\n        self.who = who\n';
    writeFileSync(path.join(readState().dir, "workspace", "greet.py"), code);
    await page.goto("/");
    await page.getByTestId("new-chat").click();

    await ask(page, "/help");
    const help = lastAnswer(page);
    await help.getByTestId("copy-answer").click();
    const helpTask = (await (await api.get(`/api/v1/tasks/${await help.getAttribute("data-task-id")}`)).json()) as { result: string };
    await expect.poll(() => clipboard(page)).toBe(helpTask.result);
    await expect(help.getByTestId("copy-answer")).toHaveAttribute("aria-label", /.+/);

    // The file's text is the last code block of the answer (the model's summary comes before it).
    await ask(page, "/file read greet.py", 150_000);
    const block = lastAnswer(page).getByTestId("code-block").last();
    await expect(block.locator("code")).toHaveText(code.trimEnd());
    expect(await block.locator("code [class^=hljs-]").count()).toBeGreaterThan(0);
    await block.getByTestId("code-copy").click();
    await expect.poll(() => clipboard(page)).toBe(code.trimEnd());
    await expect(block.getByTestId("code-copy")).toHaveAttribute("data-copied", "true");
    await shot(page, "cockpit-code-block");
  });
});
