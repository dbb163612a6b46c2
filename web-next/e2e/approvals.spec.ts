import { expect, fitsPhones, lastAnswer, llmReady, send, shot, test } from "./fixtures";

// A real approval: the embedded model calls a tool only when the task forces it (`/tool <id>`), and a
// tool whose policy is `ask` waits for a person. `builtin:time_now` is harmless, so it is the one.
const TOOL = "builtin:time_now";
const policyUrl = `/api/v1/tools/${encodeURIComponent(TOOL)}/policy`;

test.describe("Approvals in the chat", () => {
  test("a tool call waits inline: approve, deny and always allow, each decision shown; tool calls listed", async ({ page, api }) => {
    test.setTimeout(480_000);
    test.skip(!(await llmReady(api)), "no language model: the embedded model makes the tool call");
    const set = await api.put(policyUrl, { data: { policy: "ask" } });
    expect(set.ok(), await set.text()).toBeTruthy();
    try {
      await page.goto("/");
      await expect(page.getByTestId("ws-state")).toHaveText(/live/i);

      // Approve: the call runs and shows as a finished tool call.
      await send(page, `/tool ${TOOL} What time is it now?`);
      let answer = lastAnswer(page);
      let prompt = answer.getByTestId("approval");
      await expect(prompt).toHaveAttribute("data-state", "pending", { timeout: 180_000 });
      await expect(prompt.getByTestId("approval-function")).toHaveText("time_now");
      await expect(prompt.getByTestId("approval-tool")).toHaveText(TOOL);
      await fitsPhones(page, undefined, [360, 430]);
      await shot(page, "chat-approval");
      await prompt.getByTestId("approval-approve").click();
      await expect(prompt).toHaveAttribute("data-state", "approved");
      await expect(prompt.getByTestId("approval-decision")).toHaveText("Approved");
      await expect(answer).toHaveAttribute("data-status", "COMPLETED", { timeout: 180_000 });
      const call = answer.getByTestId("tool-call");
      await expect(call).toHaveCount(1);
      await expect(call).toHaveAttribute("data-state", "done");
      await expect(call).toContainText("time_now");
      await expect(call).toContainText(/\d+ ms/);

      // Deny: the decision stays on the prompt; the call never ran, so no tool call is listed.
      await send(page, `/tool ${TOOL} What time is it now?`);
      answer = lastAnswer(page);
      prompt = answer.getByTestId("approval");
      await expect(prompt).toHaveAttribute("data-state", "pending", { timeout: 180_000 });
      await prompt.getByTestId("approval-deny").click();
      await expect(prompt).toHaveAttribute("data-state", "denied");
      await expect(prompt.getByTestId("approval-decision")).toHaveText("Denied");
      await expect(answer).toHaveAttribute("data-status", "COMPLETED", { timeout: 180_000 });
      await expect(answer.getByTestId("approval-approve")).toHaveCount(0);

      // Always allow: approves and makes `allow` the tool's policy.
      await send(page, `/tool ${TOOL} What time is it now?`);
      answer = lastAnswer(page);
      prompt = answer.getByTestId("approval");
      await expect(prompt).toHaveAttribute("data-state", "pending", { timeout: 180_000 });
      await prompt.getByTestId("approval-always").click();
      await expect(prompt.getByTestId("approval-decision")).toHaveText("Approved, always allowed");
      const tools = (await (await api.get("/api/v1/tools")).json()) as { tools: { id: string; policy: string }[] };
      expect(tools.tools.find((t) => t.id === TOOL)?.policy).toBe("allow");
      await expect(answer).toHaveAttribute("data-status", "COMPLETED", { timeout: 180_000 });

      // Answered requests are no longer pending on the API.
      const taskId = (await answer.getAttribute("data-task-id")) ?? "";
      const pending = (await (await api.get(`/api/v1/tasks/${taskId}/approvals`)).json()) as { approvals: unknown[] };
      expect(pending.approvals).toHaveLength(0);
    } finally {
      await api.put(policyUrl, { data: { policy: null } });
    }
  });
});
