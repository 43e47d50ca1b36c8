// What tests/e2e/test_layout.py asks of every page, answered by the page itself: a list of
// problems (empty when the page is right). Arguments: the header's highest height in px, and a
// long title that lists must clamp.
([headerMax, longTitle]) => {
  const problems = [];
  const shown = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
  const vw = window.innerWidth;
  const sw = document.documentElement.scrollWidth;
  if (sw > vw) {
    const inScroller = (el) => { for (let p = el.parentElement; p; p = p.parentElement) {
      if (["auto", "scroll", "hidden"].includes(getComputedStyle(p).overflowX)) return true; }
      return false; };
    const wide = [...document.querySelectorAll("body *")]
      .filter((el) => el.getBoundingClientRect().right > vw + 1 && !inScroller(el))
      .slice(0, 3).map((el) => `${el.tagName.toLowerCase()}.${el.className}`);
    problems.push(`scrolls sideways: ${sw} > ${vw} (${wide.join(", ")})`);
  }
  const header = document.querySelector("body > header");
  if (header.offsetHeight > headerMax) problems.push(`header ${header.offsetHeight} px high`);
  const toggler = header.querySelector(".navbar-toggler");
  if (vw >= 1024 && toggler && shown(toggler)) problems.push("menu folded behind its button");
  const items = [...header.querySelectorAll(".navbar-nav > li, .public-nav li")].filter(shown);
  const rows = new Set(items.map((li) => Math.round(li.getBoundingClientRect().top)));
  if (rows.size > 1) problems.push(`menu on ${rows.size} lines`);
  // Lines of text an element takes: its text's boxes, grouped where they overlap vertically.
  const lines = (el) => {
    const boxes = [], walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const range = document.createRange();
      range.selectNodeContents(node);
      boxes.push(...[...range.getClientRects()].filter((r) => r.width > 0));
    }
    boxes.sort((a, b) => a.top - b.top);
    let count = 0, bottom = -Infinity;
    for (const box of boxes) {
      if (box.top >= bottom - 1) count += 1;
      bottom = Math.max(bottom, box.bottom);
    }
    return count;
  };
  for (const el of header.querySelectorAll(".navbar-brand, .nav-link, .user-toggle, .public-nav a, .public-brand, .public-login")) {
    if (shown(el) && lines(el) > 1) problems.push(`"${el.textContent.trim()}" on ${lines(el)} lines`);
  }

  for (const el of document.querySelectorAll(".num, .figure")) {
    if (el.closest("thead") || !shown(el)) continue;
    if (lines(el) > 1) problems.push(`number on ${lines(el)} lines: ${el.textContent.trim()}`);
  }
  // A long title in a list takes two lines at most, and keeps the whole title at hand; its own
  // page (the heading, the breadcrumb) shows it whole.
  for (const el of document.querySelectorAll("main a")) {
    if (el.textContent.trim() !== longTitle || el.closest("h1, .breadcrumb") || !shown(el)) continue;
    const line = parseFloat(getComputedStyle(el).lineHeight);
    if (el.getBoundingClientRect().height > 2 * line + 2) problems.push("a title in a list over 2 lines");
    if (el.title !== longTitle) problems.push("a clamped title without its whole text");
  }
  for (const el of document.querySelectorAll("body *")) {
    const style = getComputedStyle(el);
    if (!["auto", "scroll"].includes(style.overflowX) || el.scrollWidth <= el.clientWidth + 1) continue;
    if (!style.backgroundImage.includes("gradient")) problems.push(`scrolls without a hint: ${el.tagName.toLowerCase()}.${el.className}`);
  }
  for (const img of document.querySelectorAll("img.chart")) {
    if (!shown(img)) continue;
    const svg = atob(img.currentSrc.split(",")[1]);
    const drawn = parseFloat(svg.match(/viewBox="0 0 ([\d.]+)/)[1]);
    const sizes = [...svg.matchAll(/\.(?:axis|legend) text\{[^}]*font-size:([\d.]+)px/g)].map((m) => parseFloat(m[1]));
    const smallest = Math.min(...sizes) * img.clientWidth / drawn;
    if (!sizes.length || smallest < 11) problems.push(`chart text ${smallest.toFixed(1)} px`);
  }
  for (const svg of document.querySelectorAll("main svg[viewBox]")) {
    if (!shown(svg)) continue;
    const scale = svg.clientWidth / svg.viewBox.baseVal.width;
    for (const text of svg.querySelectorAll("text")) {
      const size = parseFloat(getComputedStyle(text).fontSize) * scale;
      if (size < 11) { problems.push(`chart text ${size.toFixed(1)} px: ${text.textContent}`); break; }
    }
  }
  const levels = [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")].map((h) => +h.tagName[1]);
  if (levels[0] !== 1 || levels.filter((l) => l === 1).length !== 1) problems.push(`headings ${levels}`);
  levels.forEach((level, i) => { if (i && level > levels[i - 1] + 1) problems.push(`headings skip: ${levels}`); });
  if (!document.querySelector('meta[name="description"]')?.content) problems.push("no meta description");
  return problems;
}
