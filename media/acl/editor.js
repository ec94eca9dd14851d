// The ACL editor's form (a VS Code webview). A thin view: every judgement (validation, lock-out,
// preview, effective permissions) is made by the extension (src/zk/acl) and sent back as 'analysis'.
/* global acquireVsCodeApi, document, window */
(function () {
  'use strict';
  const vscode = acquireVsCodeApi();
  // The display language's bundle, put in the page by the extension (src/extension/webviewL10n.ts).
  const STRINGS = JSON.parse((document.getElementById('l10n') || {}).textContent || '{}');
  /** A string in the display language, its {0}, {1}… filled; the key is the English text. */
  function L(message, ...args) {
    const entry = Object.prototype.hasOwnProperty.call(STRINGS, message) ? STRINGS[message] : undefined;
    const template = typeof entry === 'string' ? entry : entry && typeof entry.message === 'string' ? entry.message : message;
    return template.replace(/\{(\d+)\}/g, (match, i) => (Number(i) < args.length ? String(args[Number(i)]) : match));
  }
  const PERMS = [
    ['c', L('create')],
    ['d', L('delete')],
    ['r', L('read')],
    ['w', L('write')],
    ['a', L('admin')],
  ];
  const SCHEMES = ['world', 'auth', 'digest', 'ip', 'sasl', 'x509'];
  let state = { acl: [], aversion: 0, readOnlyReason: undefined, path: '', connection: '', analysis: undefined, conflict: undefined };

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === false) continue;
      if (key === 'text') node.textContent = value;
      else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
      else if (key === 'checked' || key === 'disabled' || key === 'value') node[key] = value;
      else node.setAttribute(key, value === true ? '' : value);
    }
    for (const child of children) if (child) node.append(child);
    return node;
  }

  function perms(entry) {
    return PERMS.map(([letter]) => letter)
      .filter((l) => entry.perms.includes(l))
      .join('');
  }

  function edited() {
    vscode.postMessage({ type: 'edit', acl: state.acl });
  }

  function setStatus(text, kind) {
    const status = document.getElementById('status');
    if (!status) return;
    status.textContent = text || '';
    status.className = kind || '';
  }

  /** Re-renders the rows without losing the focused control (by its data-focus key). */
  function render() {
    const app = document.getElementById('app');
    const focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.focus : undefined;
    const readOnly = state.readOnlyReason !== undefined;
    app.replaceChildren();
    app.removeAttribute('aria-busy');
    app.append(el('h1', {}, el('span', { text: L('ACL of {0}', state.path) }), el('span', { class: 'muted', text: ` ${L('on {0} · ACL version {1}', state.connection, state.aversion)}` })));
    if (readOnly) app.append(el('p', { id: 'readonly', class: 'notice', role: 'note', text: state.readOnlyReason }));

    const layout = el('div', { class: 'layout' });
    const form = el('section', { class: 'form', 'aria-label': L('ACL entries') });
    const datalist = el('datalist', { id: 'schemes' }, ...SCHEMES.map((s) => el('option', { value: s })));
    const table = el('table', { class: 'entries' });
    table.append(
      el('thead', {}, el('tr', {}, el('th', { text: L('Scheme') }), el('th', { text: L('Id') }), ...PERMS.map(([l, name]) => el('th', { title: name, text: l })), el('th', { 'aria-label': L('Remove') }))),
    );
    const body = el('tbody');
    state.acl.forEach((entry, index) => {
      const n = index + 1;
      const row = el('tr', { 'data-row': String(n) });
      row.append(
        el(
          'td',
          {},
          el('input', {
            list: 'schemes',
            value: entry.scheme,
            'aria-label': L('Scheme of entry {0}', n),
            'data-focus': `scheme-${index}`,
            disabled: readOnly,
            oninput: (e) => {
              entry.scheme = e.target.value.trim();
              // The two schemes with a fixed id get it, so the row is valid as soon as it is chosen.
              if (entry.scheme === 'world') entry.id = 'anyone';
              if (entry.scheme === 'auth') entry.id = '';
              const idInput = row.querySelector('[data-focus="id-' + index + '"]');
              if (idInput) idInput.value = entry.id;
              edited();
            },
          }),
        ),
        el(
          'td',
          {},
          el('input', {
            class: 'id',
            value: entry.id,
            'aria-label': L('Id of entry {0}', n),
            placeholder: entry.scheme === 'ip' ? '10.0.0.0/8' : entry.scheme === 'digest' ? 'user:base64(sha1)' : entry.scheme === 'auth' ? L('(none)') : '',
            'data-focus': `id-${index}`,
            disabled: readOnly,
            oninput: (e) => {
              entry.id = e.target.value.trim();
              edited();
            },
          }),
        ),
        ...PERMS.map(([letter, name]) =>
          el(
            'td',
            { class: 'perm' },
            el('input', {
              type: 'checkbox',
              checked: entry.perms.includes(letter),
              'aria-label': L('{0} ({1}) for entry {2}', letter, name, n),
              title: `${name} (${letter})`,
              'data-focus': `${letter}-${index}`,
              disabled: readOnly,
              onchange: (e) => {
                entry.perms = e.target.checked ? perms({ perms: entry.perms + letter }) : entry.perms.replace(letter, '');
                edited();
              },
            }),
          ),
        ),
        el(
          'td',
          {},
          el('button', {
            class: 'icon',
            text: '✕',
            title: L('Remove this entry'),
            'aria-label': L('Remove entry {0}', n),
            'data-focus': `remove-${index}`,
            disabled: readOnly,
            onclick: () => {
              state.acl.splice(index, 1);
              edited();
              render();
            },
          }),
        ),
      );
      body.append(row);
    });
    table.append(body);
    form.append(
      datalist,
      table,
      el('button', {
        id: 'add',
        class: 'secondary',
        text: L('Add Entry'),
        'data-focus': 'add',
        disabled: readOnly,
        onclick: () => {
          state.acl.push({ scheme: 'digest', id: '', perms: 'r' });
          edited();
          render();
          const input = document.querySelector(`[data-focus="scheme-${state.acl.length - 1}"]`);
          if (input) input.focus();
        },
      }),
    );

    const generator = el('fieldset', { class: 'generator' }, el('legend', { text: L('Digest id generator') }));
    const user = el('input', { id: 'digest-user', 'aria-label': L('Digest user'), placeholder: L('user'), 'data-focus': 'digest-user', disabled: readOnly });
    const password = el('input', { id: 'digest-password', type: 'password', 'aria-label': L('Digest password'), placeholder: L('password (never stored)'), 'data-focus': 'digest-password', disabled: readOnly });
    const generate = () => {
      vscode.postMessage({ type: 'digest', user: user.value, password: password.value });
      // Gone from the form at once: only the id comes back.
      password.value = '';
    };
    password.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') generate();
    });
    generator.append(user, password, el('button', { id: 'digest-add', class: 'secondary', text: L('Add Digest Entry'), 'data-focus': 'digest-add', disabled: readOnly, onclick: generate }));
    form.append(generator);

    form.append(el('div', { id: 'problems', role: 'alert' }));
    form.append(el('section', { class: 'preview', 'aria-label': L('Preview of the change') }, el('h2', { id: 'preview-title', text: L('Preview') }), el('ul', { id: 'preview' })));
    form.append(
      el(
        'div',
        { class: 'actions' },
        el('button', { id: 'apply-node', text: L('Apply to This Node'), 'data-focus': 'apply-node', disabled: true, onclick: () => apply('node') }),
        el('button', { id: 'apply-subtree', class: 'secondary', text: L('Apply to the Whole Subtree'), 'data-focus': 'apply-subtree', disabled: true, onclick: () => apply('subtree') }),
        el('button', { id: 'reload', class: 'secondary', text: L('Reload'), 'data-focus': 'reload', onclick: () => vscode.postMessage({ type: 'reload' }) }),
      ),
      el('p', { id: 'status', role: 'status' }),
    );

    if (state.conflict) {
      const c = state.conflict;
      const box = el('section', { id: 'conflict', class: 'conflict', role: 'alertdialog', 'aria-label': L('The ACL changed on the server') }, el('h2', { text: L('Someone else changed this ACL') }), el('p', { text: c.message }));
      const side = (title, entries) => el('div', {}, el('h3', { text: title }), el('ul', {}, ...entries.map((e) => el('li', { text: `${e.scheme}:${e.id}:${e.perms}` }))));
      box.append(
        el('div', { class: 'sides' }, side(L('Theirs (ACL version {0})', c.aversion), c.theirs), side(L('Yours'), c.mine)),
        el(
          'div',
          { class: 'actions' },
          el('button', { id: 'overwrite', text: L('Overwrite With Mine'), 'data-focus': 'overwrite', onclick: () => apply('node', c.aversion) }),
          el('button', {
            id: 'load-theirs',
            class: 'secondary',
            text: L('Load Theirs'),
            'data-focus': 'load-theirs',
            onclick: () => {
              state.conflict = undefined;
              vscode.postMessage({ type: 'reload' });
            },
          }),
          el('button', {
            id: 'keep-editing',
            class: 'secondary',
            text: L('Keep Editing'),
            'data-focus': 'keep-editing',
            onclick: () => {
              state.conflict = undefined;
              render();
            },
          }),
        ),
      );
      form.prepend(box);
    }

    const identities = state.identities && state.identities.length ? state.identities.join(', ') : L('no identity');
    const aside = el('aside', { class: 'who', 'aria-label': L('Who can do what here?') }, el('h2', { text: L('Who can do what here?') }));
    const whoTable = el('table', { id: 'who' }, el('thead', {}, el('tr', {}, el('th', { text: L('Identity') }), el('th', { text: L('Now') }), el('th', { text: L('After') }))));
    whoTable.append(el('tbody', { id: 'who-rows' }));
    aside.append(whoTable, el('p', { class: 'muted', text: (state.identitySource === 'derived' ? L('This session: {0} (as sent: the server does not answer whoAmI). c create, d delete, r read, w write, a admin.', identities) : L('This session: {0} (whoAmI). c create, d delete, r read, w write, a admin.', identities)) }));

    layout.append(form, aside);
    app.append(layout);
    showAnalysis();
    if (focused) {
      const again = document.querySelector(`[data-focus="${focused}"]`);
      if (again && !again.disabled) again.focus();
    }
  }

  /** The parts that follow each edit (problems, preview, who, the buttons), updated in place so typing keeps its caret. */
  function showAnalysis() {
    const analysis = state.analysis;
    const readOnly = state.readOnlyReason !== undefined;
    const problems = document.getElementById('problems');
    const list = document.getElementById('preview');
    const who = document.getElementById('who-rows');
    if (!problems || !list || !who) return;
    problems.replaceChildren();
    list.replaceChildren();
    who.replaceChildren();
    if (!analysis) return;
    if (analysis.problem) problems.append(el('p', { class: 'error', text: analysis.problem }));
    for (const w of analysis.warnings) problems.append(el('p', { class: 'warning', text: w }));
    document.getElementById('preview-title').textContent = analysis.unchanged ? L('Preview: no change') : L('Preview');
    const marks = { '+': 'add', '-': 'remove', '~': 'change', ' ': 'same' };
    for (const line of analysis.preview) list.append(el('li', { class: `mark-${marks[line.mark]}`, text: `${line.mark} ${line.text}` }));
    for (const row of analysis.who) {
      who.append(el('tr', {}, el('td', { text: row.identity }), el('td', { text: row.now || '—' }), el('td', { class: row.now !== row.after ? 'changed' : '', text: row.after || '—' })));
    }
    document.getElementById('apply-node').disabled = readOnly || !!analysis.problem || analysis.unchanged;
    document.getElementById('apply-subtree').disabled = readOnly || !!analysis.problem;
  }

  function apply(scope, aversion) {
    state.conflict = undefined;
    setStatus(scope === 'subtree' ? L('Applying to the subtree…') : L('Applying…'));
    vscode.postMessage({ type: 'apply', scope, acl: state.acl, aversion });
  }

  window.addEventListener('message', (event) => {
    const message = event.data;
    switch (message.type) {
      case 'load':
        state = { ...state, ...message, acl: message.acl.map((e) => ({ ...e })), conflict: undefined };
        // Only the node's address is kept: a reload restores the editor on the node's ACL as it is then.
        vscode.setState({ connection: message.connection, path: message.path });
        render();
        break;
      case 'notConnected': {
        vscode.setState({ connection: message.connection, path: message.path });
        const app = document.getElementById('app');
        app.replaceChildren(
          el('h1', {}, el('span', { text: L('ACL of {0}', message.path) }), el('span', { class: 'muted', text: ` ${L('on {0}', message.connection)}` })),
          el('p', { id: 'not-connected', class: 'notice', role: 'note', text: message.message }),
          el('p', {}, el('button', { id: 'connect', 'data-focus': 'connect', text: L('Connect and Read'), onclick: () => vscode.postMessage({ type: 'reload' }) })),
          el('p', { id: 'status', role: 'status', 'aria-live': 'polite' }),
        );
        app.removeAttribute('aria-busy');
        break;
      }
      case 'analysis':
        state.analysis = message.analysis;
        showAnalysis();
        break;
      case 'digestId':
        if (message.error) {
          setStatus(message.error, 'error');
          break;
        }
        state.acl.push({ scheme: 'digest', id: message.id, perms: 'cdrwa' });
        edited();
        render();
        setStatus(L('Added digest:{0} (the password was not kept).', message.id));
        break;
      case 'applied':
        setStatus(message.message, message.failed && message.failed.length ? 'warning' : 'ok');
        break;
      case 'conflict':
        state.conflict = message;
        render();
        setStatus(L('Nothing was written: the ACL changed on the server.'), 'error');
        break;
      case 'status':
        setStatus(message.message);
        break;
      case 'error':
        setStatus(message.message, 'error');
        break;
    }
  });
  // Ctrl+Enter (Cmd+Enter) applies to this node from anywhere in the form.
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      const button = document.getElementById('apply-node');
      if (button && !button.disabled) apply('node');
    }
  });
  vscode.postMessage({ type: 'ready' });
})();
