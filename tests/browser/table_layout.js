// What tests/browser/test_table_layout.py checks on a page: each list table's cells.
// Returns {tables: n, problems: [{kind, table, column, text, detail}]}.
// - a code, date, badge, tag or figure (KEEP_WHOLE) laid out on more than one line;
// - a short plain value (up to 6 characters) broken over lines;
// - a cell whose content is wider than the cell, or a child running out of its cell
//   (unless inside a box of its own that scrolls);
// - two cells of a row overlapping;
// - a table wider than the box that scrolls it.
() => {
  const KEEP_WHOLE = '.badge, .tag, .code, code, .case-code, .nowrap, time, .num';
  const problems = [];
  const visible = el => {
    const r = el.getBoundingClientRect();
    return r.width > 1 && r.height > 1 && !el.closest('.visually-hidden');
  };
  const text = el => el.innerText.replace(/\s+/g, ' ').trim().slice(0, 60);
  const lines = el => {
    const rects = [];
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.textContent.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const r of range.getClientRects()) if (r.width > 0.5) rects.push(r);
    }
    rects.sort((a, b) => a.top - b.top);
    let count = 0, bottom = -Infinity;
    for (const r of rects) {
      if (r.top >= bottom - 2) { count += 1; bottom = r.bottom; }
      else bottom = Math.max(bottom, r.bottom);
    }
    return count;
  };
  const clipped = (el, cell) => {
    for (let up = el.parentElement; up && up !== cell; up = up.parentElement) {
      if (['auto', 'scroll'].includes(getComputedStyle(up).overflowX)) return true;
    }
    return false;
  };
  const scroller = table => {
    for (let up = table.parentElement; up && up !== document.body; up = up.parentElement) {
      if (['auto', 'scroll'].includes(getComputedStyle(up).overflowX)) return up;
    }
    return null;
  };
  const tables = [...document.querySelectorAll('main table')].filter(visible);
  tables.forEach((table, t) => {
    const heads = [...table.querySelectorAll('thead th')].map(th => th.innerText.trim());
    const name = `表${t + 1}`;
    const box = scroller(table);
    if (box && box.scrollWidth > box.clientWidth + 1) {
      problems.push({kind: 'scrolls', table: name, column: '', text: '',
                     detail: `${box.scrollWidth}px in ${box.clientWidth}px`});
    }
    for (const row of table.querySelectorAll('tbody tr')) {
      const cells = [...row.children].filter(visible);
      cells.forEach((cell, i) => {
        const column = cell.dataset.label || heads[[...row.children].indexOf(cell)] || `第${i + 1}列`;
        const rect = cell.getBoundingClientRect();
        if (cell.scrollWidth > cell.clientWidth + 1 && !['auto', 'scroll'].includes(getComputedStyle(cell).overflowX)) {
          problems.push({kind: 'overflows its cell', table: name, column, text: text(cell),
                         detail: `${cell.scrollWidth}px in ${cell.clientWidth}px`});
        }
        for (const el of cell.querySelectorAll('*')) {
          if (!visible(el) || clipped(el, cell)) continue;
          const r = el.getBoundingClientRect();
          if (r.right > rect.right + 1 || r.left < rect.left - 1) {
            problems.push({kind: 'runs out of its cell', table: name, column, text: text(el),
                           detail: `${Math.round(r.left)}–${Math.round(r.right)} outside ${Math.round(rect.left)}–${Math.round(rect.right)}`});
            break;
          }
        }
        const value = cell.innerText.trim();
        if (!cell.querySelector('*') && value.length > 0 && value.length <= 6 && lines(cell) > 1) {
          problems.push({kind: `short value wraps onto ${lines(cell)} lines`, table: name, column, text: value, detail: ''});
        }
        const whole = [...(cell.matches(KEEP_WHOLE) ? [cell] : []), ...cell.querySelectorAll(KEEP_WHOLE)];
        for (const el of whole) {
          if (!visible(el)) continue;
          const count = lines(el);
          if (count > 1) {
            problems.push({kind: `wraps onto ${count} lines`, table: name, column, text: text(el), detail: ''});
          }
        }
        cells.slice(i + 1).forEach(other => {
          const o = other.getBoundingClientRect();
          const w = Math.min(rect.right, o.right) - Math.max(rect.left, o.left);
          const h = Math.min(rect.bottom, o.bottom) - Math.max(rect.top, o.top);
          if (w > 1 && h > 1) {
            problems.push({kind: 'overlaps', table: name, column,
                           text: `${text(cell)} / ${other.dataset.label || ''} ${text(other)}`, detail: ''});
          }
        });
      });
    }
  });
  return {tables: tables.length, problems};
}
