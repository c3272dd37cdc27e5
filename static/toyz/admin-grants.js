// The folder picker of the folder grants admin (apps/files/admin.py): browse the data root folder by
// folder, or type and pick from the suggestions; the chosen path goes into the form's text field.
// Loaded as a file, with no inline script or style: the site's Content-Security-Policy forbids them.
(() => {
  'use strict';

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function setUp(input) {
    const url = input.dataset.folderPicker;
    const panel = element('div', 'folder-picker');
    panel.dataset.testid = 'folder-picker';
    const crumbs = element('div', 'folder-picker-crumbs');
    const status = element('div', 'folder-picker-status');
    const list = element('ul', 'folder-picker-list');
    panel.append(crumbs, status, list);
    input.after(panel);
    let shown = null;
    let latest = 0;

    async function load(path) {
      const ticket = ++latest;
      let response;
      let body;
      try {
        response = await fetch(`${url}?path=${encodeURIComponent(path)}`, { headers: { Accept: 'application/json' } });
        body = await response.json();
      } catch {
        if (ticket === latest) status.textContent = 'The folders could not be listed: reload the page (your admin session may have ended).';
        return null;
      }
      // An answer to an older request (the admin typed on): drop it.
      if (ticket !== latest) return null;
      if (!response.ok) {
        status.textContent = body?.error?.message ?? 'That folder cannot be listed.';
        return null;
      }
      return body;
    }

    async function browse(path, filter = '') {
      const listing = await load(path);
      if (listing) {
        shown = listing;
        render(listing, filter);
      }
    }

    function crumb(label, path) {
      const button = element('button', 'folder-picker-crumb', label);
      button.type = 'button';
      button.dataset.testid = 'picker-crumb';
      button.dataset.path = path;
      button.addEventListener('click', () => {
        input.value = path || '/';
        browse(path);
      });
      return button;
    }

    function render(listing, filter) {
      const parts = listing.path ? listing.path.split('/') : [];
      crumbs.replaceChildren(crumb('data root', ''));
      parts.forEach((part, i) => crumbs.append(' / ', crumb(part, parts.slice(0, i + 1).join('/'))));
      const wanted = filter.toLowerCase();
      const entries = listing.entries.filter((entry) => entry.name.toLowerCase().startsWith(wanted));
      list.replaceChildren(
        ...entries.map((entry) => {
          const item = element('li');
          const button = element('button', entry.folder ? 'folder' : 'file', entry.folder ? `${entry.name}/` : entry.name);
          button.type = 'button';
          button.title = entry.folder ? 'Choose this folder and open it' : 'Choose this file';
          Object.assign(button.dataset, { testid: 'picker-entry', name: entry.name, path: entry.path });
          button.addEventListener('click', () => {
            input.value = entry.path;
            if (entry.folder) {
              browse(entry.path);
            } else {
              list.querySelectorAll('.chosen').forEach((b) => b.classList.remove('chosen'));
              button.classList.add('chosen');
            }
          });
          item.append(button);
          if (entry.granted) item.append(element('span', 'folder-picker-granted', 'has a grant'));
          return item;
        }),
      );
      if (!entries.length) status.textContent = filter ? `Nothing in this folder starts with “${filter}”.` : 'This folder is empty.';
      else status.textContent = listing.truncated ? 'Only the first entries are shown: type to narrow them.' : '';
    }

    // Typing: list the folder named up to the last "/", narrowed to the names starting with the rest.
    let timer = 0;
    input.addEventListener('input', () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(() => {
        const text = input.value.replace(/^\/+/, '');
        const cut = text.lastIndexOf('/');
        const folder = cut < 0 ? '' : text.slice(0, cut);
        const rest = text.slice(cut + 1);
        if (shown && shown.path === folder) render(shown, rest);
        else browse(folder, rest);
      }, 150);
    });

    const start = input.value.replace(/^\/+|\/+$/g, '');
    browse(start.includes('/') ? start.slice(0, start.lastIndexOf('/')) : '');
  }

  document.querySelectorAll('input[data-folder-picker]').forEach(setUp);
})();
