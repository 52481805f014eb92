/* What a wall screen must not do, measured in the page (tests/browser/screen_layout.py runs it
   with page.evaluate): every text fragment (a line of a text node, Range.getClientRects) of the
   header, the title bar and the board, against the card or panel it belongs to, the clip of its
   overflow-hidden ancestors, the screen and every other fragment. */
(minFont) => {
  const problems = [];
  const vw = innerWidth, vh = innerHeight;
  const root = document.documentElement;
  if (root.scrollWidth > vw + 1) problems.push(`page scrolls sideways: ${root.scrollWidth} > ${vw}`);
  if (root.scrollHeight > vh + 1) problems.push(`page scrolls down: ${root.scrollHeight} > ${vh}`);
  const name = (el) => el.id ? `#${el.id}` : `${el.tagName.toLowerCase()}.${[...el.classList].join(".")}`
    + (el.dataset && el.dataset.key ? `[${el.dataset.key}]` : "");
  const shown = (el) => {
    for (let node = el; node && node !== document.body; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.display === "none" || style.visibility === "hidden") return false;
      if (node.classList && node.classList.contains("visually-hidden")) return false;
      if (node.hidden) return false;
    }
    return true;
  };
  const boxes = [...document.querySelectorAll(".site-header, .screen-head, #board .panel, #board .card")].filter(shown);
  for (const box of boxes) {
    const r = box.getBoundingClientRect();
    if (r.left < -1 || r.top < -1 || r.right > vw + 1 || r.bottom > vh + 1) {
      problems.push(`${name(box)} is off the screen: ${JSON.stringify([r.left, r.top, r.right, r.bottom])}`);
    }
    if (box.scrollHeight > box.clientHeight + 1) {
      problems.push(`${name(box)}: content taller than the box by ${box.scrollHeight - box.clientHeight}px`);
    }
    if (box.scrollWidth > box.clientWidth + 1) {
      problems.push(`${name(box)}: content wider than the box by ${box.scrollWidth - box.clientWidth}px`);
    }
  }
  const fragments = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim()) continue;
    const el = node.parentElement;
    if (!el.closest(".site-header, .screen-head, #board") || !shown(el)) continue;
    const box = el.closest(".card, .panel, .screen-head, .site-header");
    const range = document.createRange();
    range.selectNodeContents(node);
    const size = parseFloat(getComputedStyle(el).fontSize);
    for (const rect of range.getClientRects()) {
      if (rect.width < 1 || rect.height < 1) continue;
      fragments.push({ node, el, box, rect, text: node.textContent.trim().slice(0, 30), size });
    }
  }
  const inside = (rect, outer, slack = 1) => rect.left >= outer.left - slack && rect.top >= outer.top - slack
    && rect.right <= outer.right + slack && rect.bottom <= outer.bottom + slack;
  for (const f of fragments) {
    if (minFont && f.size < minFont - 0.01) problems.push(`${f.size}px text: "${f.text}" in ${name(f.el)}`);
    if (!inside(f.rect, { left: 0, top: 0, right: vw, bottom: vh })) problems.push(`off the screen: "${f.text}"`);
    if (f.box && !inside(f.rect, f.box.getBoundingClientRect(), 2)) {
      problems.push(`"${f.text}" spills out of ${name(f.box)}`);
    }
    for (let node = f.el; node && node !== f.box; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.overflow !== "visible" && !inside(f.rect, node.getBoundingClientRect(), 2)) {
        problems.push(`"${f.text}" cut off by ${name(node)}`);
        break;
      }
    }
  }
  // text over text: two fragments of different text nodes sharing more than a sliver
  for (let i = 0; i < fragments.length; i++) {
    for (let j = i + 1; j < fragments.length; j++) {
      if (fragments[i].node === fragments[j].node) continue;
      const a = fragments[i].rect, b = fragments[j].rect;
      const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (w > 2 && h > 2) {
        problems.push(`"${fragments[i].text}" (${name(fragments[i].el)}) overlaps "${fragments[j].text}" (${name(fragments[j].el)})`);
      }
    }
  }
  // every county in sight: wholly inside the league panel and the screen
  const panel = document.querySelector(".league-panel").getBoundingClientRect();
  const rows = [...document.querySelectorAll("#league-table tbody tr")];
  for (const row of rows) {
    const r = row.getBoundingClientRect();
    if (!inside(r, panel) || !inside(r, { left: 0, top: 0, right: vw, bottom: vh })) {
      problems.push(`county ${row.dataset.district} (rank ${row.dataset.rank}) is out of sight`);
    }
  }
  return { problems, rows: rows.length, fragments: fragments.length };
}
