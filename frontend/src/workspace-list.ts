// The workspace list page (a server page, templates/workspaces/home.html): its rows' Rename,
// Duplicate, Share and Delete buttons, through `/api/workspaces`. The server renders which buttons
// each row has (from the user's right on it) and refuses what is not allowed anyway.
import "./share-dialog";
import type { ToyzShareDialog } from "./share-dialog";
import { apiErrorText, workspaces } from "./workspace-api";

interface Row {
  element: HTMLElement;
  id: string;
  name: string;
}

function rowOf(target: Element): Row | null {
  const element = target.closest<HTMLElement>("[data-workspace-id]");
  const id = element?.dataset["workspaceId"];
  if (!element || !id) return null;
  return { element, id, name: element.dataset["name"] ?? "" };
}

/** Shows a sentence above the lists (an empty one hides it). */
function say(container: HTMLElement, text: string): void {
  let line = container.querySelector<HTMLElement>("[data-testid=list-error]");
  if (!line) {
    line = document.createElement("p");
    line.className = "errors";
    line.setAttribute("role", "alert");
    line.dataset["testid"] = "list-error";
    container.prepend(line);
  }
  line.textContent = text;
  line.hidden = text === "";
}

/** Asks "are you sure?" in a modal dialog of the page (window.confirm is easy to click through). */
function confirmDelete(name: string): Promise<boolean> {
  return new Promise((resolve) => {
    const dialog = document.createElement("dialog");
    dialog.className = "share-dialog";
    dialog.dataset["testid"] = "confirm-delete";
    const text = document.createElement("p");
    text.textContent = `Delete “${name}” for everyone it is shared with? This cannot be undone.`;
    const buttons = document.createElement("div");
    buttons.className = "share-foot";
    const cancel = document.createElement("button");
    cancel.type = "button";
    cancel.textContent = "Cancel";
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "primary";
    remove.dataset["testid"] = "confirm-delete-button";
    remove.textContent = "Delete";
    buttons.append(cancel, remove);
    dialog.append(text, buttons);
    let answer = false;
    cancel.addEventListener("click", () => dialog.close());
    remove.addEventListener("click", () => {
      answer = true;
      dialog.close();
    });
    dialog.addEventListener("close", () => {
      dialog.remove();
      resolve(answer);
    });
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus();
  });
}

function startRename(container: HTMLElement, row: Row): void {
  const link = row.element.querySelector<HTMLAnchorElement>("a.workspace-link");
  if (!link || row.element.querySelector("input.rename")) return;
  const input = document.createElement("input");
  input.type = "text";
  input.className = "rename";
  input.maxLength = 200;
  input.value = row.name;
  input.setAttribute("aria-label", "New name");
  input.dataset["testid"] = "rename-input";
  link.hidden = true;
  link.after(input);
  input.focus();
  input.select();
  let done = false;
  const finish = (): void => {
    done = true;
    input.remove();
    link.hidden = false;
  };
  const save = async (): Promise<void> => {
    if (done) return;
    const name = input.value.trim();
    if (name === row.name) return finish();
    input.disabled = true;
    try {
      const saved = await workspaces.rename(row.id, name);
      link.textContent = saved.name;
      row.element.dataset["name"] = saved.name;
      say(container, "");
      finish();
    } catch (error) {
      say(container, apiErrorText(error));
      input.disabled = false;
      input.focus();
    }
  };
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") void save();
    else if (event.key === "Escape") finish();
  });
  input.addEventListener("blur", () => void save());
}

async function act(container: HTMLElement, action: string, row: Row): Promise<void> {
  say(container, "");
  try {
    if (action === "rename") {
      startRename(container, row);
    } else if (action === "duplicate") {
      await workspaces.duplicate(row.id);
      // The copy is the newest of "Your workspaces": the server's list shows it in its place.
      window.location.reload();
    } else if (action === "delete") {
      if (!(await confirmDelete(row.name))) return;
      await workspaces.remove(row.id);
      row.element.remove();
    } else if (action === "share") {
      let dialog = document.querySelector<ToyzShareDialog>("toyz-share-dialog");
      if (!dialog) {
        dialog = document.createElement("toyz-share-dialog");
        document.body.append(dialog);
      }
      dialog.workspaceId = row.id;
      dialog.workspaceName = row.name;
      await dialog.open();
    }
  } catch (error) {
    say(container, apiErrorText(error));
  }
}

function start(): void {
  const container = document.getElementById("workspace-lists");
  if (!container) return;
  container.addEventListener("click", (event) => {
    const button = (event.target as Element).closest<HTMLButtonElement>("button[data-action]");
    const row = button ? rowOf(button) : null;
    const action = button?.dataset["action"];
    if (row && action) void act(container, action, row);
  });
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
