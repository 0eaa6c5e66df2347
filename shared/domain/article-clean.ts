import { Tokenizer } from 'htmlparser2';
import { normaliseDate } from './article-dates.ts';
import { hostOf, isWebUrl, type RawArticle } from './raw-article.ts';

/*
 * Clean article text: scraped-page boilerplate removed, paragraphs separated by blank lines.
 *
 * Decisions (the brief left them open):
 * - Photo captions go: `<figure>`/`<figcaption>` in HTML, "Photo: …" lines, "FILE - In this … file photo" lines and
 *   lines ending in an agency credit "(Name/Agency)". They repeat the body's names and would count them twice.
 * - Bylines go only from the first three lines of plain text ("by Dan Lucas"); in HTML the byline comes from metadata.
 * - A line is noise only when the *whole* short line matches; nothing is cut out of a sentence. Removing real body text
 *   is worse than keeping a stray line, so every pattern is anchored and length-limited.
 */

// ---------------------------------------------------------------------------------------------------------------
// Plain-text noise

const NETWORKS =
  'facebook|twitter|x|instagram|linkedin|whatsapp|telegram|youtube|tiktok|pinterest|reddit|threads|bluesky|flipboard|snapchat|tumblr|weibo|wechat|google\\+|google plus';
/** Words a row of share buttons is made of ("Share Facebook Twitter Email", "Play Facebook", "Google Plus"). */
const SOCIAL_WORDS = new Set(
  'play share tweet embed google plus google+ facebook twitter x instagram linkedin whatsapp telegram youtube tiktok pinterest reddit threads bluesky flipboard messenger snapchat email e-mail print copy link sms mail tumblr vk weibo wechat'.split(
    ' ',
  ),
);

/** Whole-line patterns (tested on the trimmed, whitespace-collapsed line, case-insensitive), each with a length cap. */
const NOISE: readonly { re: RegExp; max: number }[] = [
  { re: /^share(?: (?:this|the) (?:article|story|page|post))?(?: (?:on|via) \w+)?(?: with .{1,30})?[.:!]?$/i, max: 60 },
  { re: /^(?:share|tweet|post|send|email|pin)(?: (?:on|to|via) [\w ]{1,20})?[.!]?$/i, max: 30 },
  {
    re: /^(?:read|see|view|continue reading) (?:the )?(?:full|original|whole|rest of the) (?:article|story|report|post)(?: here| (?:on|at) .{1,40})?[.:!…]*$/i,
    max: 100,
  },
  { re: /^continue reading(?: the main story| below| here)?[.:!…]*$/i, max: 40 },
  {
    re: /^(?:story continues below(?: advertisement)?|advertisement(?: - scroll to continue(?: with content)?)?|sponsored(?: content)?|ad|ads|promoted(?: content)?|paid (?:post|content)|supported by)[.…:]*$/i,
    max: 60,
  },
  // NYT pages flatten "Advertisement" and "Continue reading the main story" into one line.
  {
    re: /^advertisement\s+(?:continue reading the main story|story continues below(?: advertisement)?)[.…:]*$/i,
    max: 70,
  },
  { re: /^exit mobile version$/i, max: 30 },
  { re: /^skip to (?:main )?(?:content|navigation|main content|search|footer|article)$/i, max: 40 },
  { re: /^(?:back to top|top of page|return to top|go to top|scroll to top)$/i, max: 30 },
  {
    re: /^(?:menu|close|search|home|next|previous|prev|open|toggle navigation|main menu|more|loading|please wait|photo|photos|video|image|gallery|listen|watch|audio)[.…]*$/i,
    max: 30,
  },
  { re: /^(?:accept|reject|allow|decline|manage)(?: all)?(?: cookies| cookie settings| preferences)?$/i, max: 40 },
  // Cookie banners: "cookie" alongside the words every banner has, in a short line.
  {
    re: /^(?=.*\bcookies?\b)(?=.*\b(?:accept|consent|agree|privacy policy|cookie policy|manage|preferences|settings|continuing|browsing|experience)\b).*$/i,
    max: 400,
  },
  {
    re: /^(?:stay (?:informed|updated|up to date|in the know)|get (?:the latest|our|free) .{0,40}(?:updates|newsletter|alerts))\b.*$/i,
    max: 100,
  },
  {
    re: /^(?:subscribe|sign up|signup|sign in|log in|login|register (?:now|for free|here|to)|join (?:our|the) (?:newsletter|mailing list))\b.*$/i,
    max: 140,
  },
  { re: /^(?:get|receive|join|try) .{0,60}\bnewsletters?\b.*$/i, max: 140 },
  { re: /^.{0,50}\bnewsletters?\b[.:!]?$/i, max: 60 },
  {
    re: /^(?:already a subscriber|not a subscriber|become a (?:member|subscriber)|support (?:our|independent) journalism)\b.*$/i,
    max: 140,
  },
  { re: new RegExp(`^(?:follow|like) (?:us|.{1,60}?) on (?:${NETWORKS})(?:\\b|$).*$`, 'i'), max: 160 },
  { re: /^click (?:here|to)\b.*$/i, max: 120 },
  { re: /^(?:download|get) (?:our|the) .{0,30}\bapp\b.*$/i, max: 120 },
  { re: /^to read more\b.*$/i, max: 100 },
  { re: /^(?:contact|email|e-mail|write to) (?:the )?(?:writers?|authors?|reporters?|editors?|us)\b.*$/i, max: 150 },
  { re: /^(?:embed\b.*)?\bcopy this code to your (?:website|blog|site)\b.*$/i, max: 250 },
  { re: /^.{0,160}\ball rights reserved\b.*$/i, max: 300 },
  // "© …" always; "Copyright"/"(c)" only with a year, so "Copyright lawyers said…" stays.
  { re: /^(?:©|(?:copyright\s*(?:©|\(c\))?|\(c\))\s*(?:\d{4})\b).*$/i, max: 250 },
  { re: /^this material may not be published, broadcast, rewritten,? or redistributed\.?$/i, max: 100 },
  { re: /^(?:photo|photos|image|picture|photograph|caption|credit|photo credit|illustration|video)\s*:.*$/i, max: 200 },
  { re: /^file\s*[-–—]\s*(?:in )?this\b.*\bfile photo\b.*$/i, max: 1000 },
  // Captions end in an agency credit "(Hyung Min-woo/Yonhap via AP)", "(Getty Images)", optionally "(Associated Press)".
  {
    re: /^.*\((?:[^()]{1,80}\/[^()]{1,80}|[^()]{0,80}\bvia (?:AP|AFP|Reuters|Getty Images)\b[^()]{0,20}|[^()]{0,60}\b(?:Getty Images|AFP via Getty Images|Shutterstock)\b[^()]{0,20})\)(?:\s*\((?:Associated Press|AP|Reuters|AFP)\))?$/,
    max: 700,
  },
  // "Updated: 2017-09-15 21:45", "Xinhua | Updated: …", "Published 3 hours ago": a label and a date, nothing else.
  {
    re: /^(?:[^|]{0,40}\|\s*)?(?:last )?(?:updated|published|posted|first published|modified)(?: on| at)?\s*:?\s*(?=.*(?:\d{1,2}:\d{2}|\d{4}|\bago\b|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d)).*$/i,
    max: 100,
  },
];

/** A header introducing a list of other stories' headlines: the header and the headline lines after it go. */
const RELATED_HEADER =
  /^(?:read more|read also|also read|see also|related|related (?:articles|stories|coverage|content|links|topics)|more on this(?: story| topic)?|more from .{1,40}|more stories|you (?:may|might) also like|recommended(?: for you)?|most (?:read|popular|viewed)|trending(?: now)?|what to read next|further reading)\s*[:.…]*$/i;
const BYLINE = /^by\s+[^.!?]{1,60}$/i;
const LIST_ITEM = /^(?:[-*+•·▪]|\d{1,3}[.)])\s/;
const SENTENCE_END = /[.!?…"”’»)\]:;]$/;

function isSocialLine(line: string): boolean {
  const words = line
    .toLowerCase()
    .split(/\s*[|·•,/]\s*|\s+/)
    .filter(Boolean);
  return words.length > 0 && words.length <= 8 && words.every((w) => SOCIAL_WORDS.has(w));
}

/** True when the whole line is boilerplate (it must already be trimmed and whitespace-collapsed). */
export function isNoiseLine(line: string): boolean {
  if (!line) return false;
  if (line.length <= 80 && isSocialLine(line)) return true;
  return NOISE.some(({ re, max }) => line.length <= max && re.test(line));
}

const isHeadlineLike = (line: string): boolean => line.length > 0 && line.length <= 160 && !/[.!?…"”]$/.test(line);

/** Normalise spaces and line ends; one entry per line, trimmed, '' for a blank line. */
function normaliseLines(text: string): string[] {
  return (
    text
      .replace(/\r\n?|[\u2028\u2029\u0085]/g, '\n')
      .replace(/[\u00A0\u2000-\u200A\u202F\u205F\u3000\t\f\v]/g, ' ')
      // Zero-width characters, soft hyphens, BOMs and C0/C1 controls carry no text (and break word matching).
      .replace(/[\u200B-\u200D\u2060\uFEFF\u00AD\u0000-\u0008\u000E-\u001F\u007F-\u0084\u0086-\u009F]/g, '')
      .split('\n')
      .map((l) => l.replace(/ {2,}/g, ' ').trim())
  );
}

/** Lines of a block that a human hard-wrapped at a fixed width are one paragraph; others are one paragraph each. */
function isHardWrapped(block: readonly string[]): boolean {
  if (block.length < 2 || block.some((l) => LIST_ITEM.test(l))) return false;
  const inner = block.slice(0, -1);
  if (!inner.every((l) => l.length >= 40 && l.length <= 100)) return false;
  return inner.filter((l) => !SENTENCE_END.test(l)).length * 2 >= inner.length;
}

export function cleanText(text: string): string {
  const lines = normaliseLines(text);
  const kept: string[] = [];
  let contentLines = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line) {
      kept.push('');
      continue;
    }
    contentLines++;
    if (isNoiseLine(line)) continue;
    if (contentLines <= 3 && line.length <= 64 && BYLINE.test(line)) continue;
    if (line.length <= 80 && RELATED_HEADER.test(line)) {
      // Only headline-like lines right after the header (no sentence punctuation, no blank line between) go with it.
      while (i + 1 < lines.length && isHeadlineLike(lines[i + 1]!)) i++;
      continue;
    }
    kept.push(line);
  }
  const paragraphs: string[] = [];
  let block: string[] = [];
  const flush = () => {
    if (block.length) paragraphs.push(...(isHardWrapped(block) ? [block.join(' ')] : block));
    block = [];
  };
  for (const line of kept) {
    if (line) block.push(line);
    else flush();
  }
  flush();
  return paragraphs.join('\n\n');
}

// ---------------------------------------------------------------------------------------------------------------
// HTML: a small tree built from htmlparser2's SAX callbacks. Every walk over it is iterative (explicit stacks), so a
// page nested 100,000 deep costs memory, not the call stack.

interface HtmlElement {
  name: string;
  attrs: Record<string, string>;
  children: HtmlNode[];
  parent: HtmlElement | undefined;
}
type HtmlNode = HtmlElement | string;

const isElement = (n: HtmlNode): n is HtmlElement => typeof n !== 'string';

/** Elements whose text is never article text (kept out of the tree's text, and their subtrees skipped). */
const RAW_TEXT_SKIPPED = new Set([
  'script',
  'style',
  'noscript',
  'template',
  'textarea',
  'title',
  'svg',
  'math',
  'head',
]);
const DROP_TAGS = new Set([
  ...RAW_TEXT_SKIPPED,
  'nav',
  'header',
  'footer',
  'aside',
  'form',
  'iframe',
  'button',
  'select',
  'input',
  'option',
  'canvas',
  'video',
  'audio',
  'object',
  'embed',
  'figure',
  'figcaption',
  'dialog',
  'menu',
  'picture',
  'img',
  'label',
  'link',
  'meta',
]);
const BLOCK_TAGS = new Set([
  'p',
  'div',
  'section',
  'article',
  'main',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'li',
  'ul',
  'ol',
  'dl',
  'dt',
  'dd',
  'blockquote',
  'pre',
  'table',
  'tr',
  'td',
  'th',
  'tbody',
  'thead',
  'hr',
  'br',
  'address',
  'center',
  'body',
  'html',
  'header',
  'footer',
  'aside',
  'nav',
  'figure',
  'figcaption',
  'details',
  'summary',
  'caption',
]);
const NOISE_ROLES = new Set([
  'navigation',
  'banner',
  'contentinfo',
  'complementary',
  'dialog',
  'alertdialog',
  'search',
  'menu',
  'menubar',
  'toolbar',
  'tablist',
]);
/** Readability's "unlikely candidates", plus the share/cookie/newsletter/related furniture news pages carry. */
const NOISE_CLASS =
  /(?:^|[\s_-])(?:share|sharing|sharetools|social|cookie|cookies|consent|gdpr|newsletter|subscribe|subscription|signup|paywall|related|recommend|recommended|promo|comment|comments|disqus|advert|advertisement|ad|ads|adslot|ad-slot|dfp|sponsor|sponsored|outbrain|taboola|breadcrumbs?|nav|navbar|navigation|menu|footer|header|masthead|sidebar|rail|widget|popup|modal|overlay|banner|toolbar|byline|caption|credit|tags|author-bio|whats-next|trending|most-popular|skyscraper|pagination|pager|print|rss|supplemental|shoutbox|remark|replies|community|hidden|visually-hidden|sr-only|newsletter-signup|interstitial)(?:$|[\s_-])/i;
/** Readability's "ok maybe it's a candidate": a class that also says body/content is not dropped for a noise word. */
const OK_CLASS = /(?:^|[\s_-])(?:article|body|content|main|story|text|column|shadow)(?:$|[\s_-])/i;
const NOISE_LABEL = /\b(?:share|social|cookie|newsletter|subscribe|related|comments?|advert|sponsor)/i;

interface PageMeta {
  metas: Record<string, string>[];
  links: Record<string, string>[];
  title?: string;
  lang?: string;
  jsonLd: string[];
}

const VOID_TAGS = new Set([
  'area',
  'base',
  'basefont',
  'br',
  'col',
  'command',
  'embed',
  'frame',
  'hr',
  'image',
  'img',
  'input',
  'keygen',
  'link',
  'meta',
  'param',
  'source',
  'track',
  'wbr',
]);
/** HTML's implied end tags, the common cases: opening one of these closes an open <p>. */
const CLOSES_P = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'details',
  'div',
  'dl',
  'fieldset',
  'figcaption',
  'figure',
  'footer',
  'form',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hr',
  'main',
  'menu',
  'nav',
  'ol',
  'p',
  'pre',
  'section',
  'table',
  'ul',
]);
const CLOSES_SIBLING: Record<string, ReadonlySet<string>> = {
  li: new Set(['li']),
  dt: new Set(['dt', 'dd']),
  dd: new Set(['dt', 'dd']),
  tr: new Set(['tr', 'td', 'th']),
  td: new Set(['td', 'th']),
  th: new Set(['td', 'th']),
  option: new Set(['option']),
};

/**
 * The tree is built here from htmlparser2's Tokenizer rather than its Parser: the Parser keeps its open-element stack
 * with `unshift`/`shift`, which is quadratic in nesting depth (100,000 nested tags took seconds). Our stack is a
 * push/pop array plus a count of open elements per name, so a stray or far-away end tag costs O(1) amortised.
 */
function parseHtml(html: string): { root: HtmlElement; meta: PageMeta } {
  const root: HtmlElement = { name: '#root', attrs: {}, children: [], parent: undefined };
  const meta: PageMeta = { metas: [], links: [], jsonLd: [] };
  const open: HtmlElement[] = [root];
  const openCount = new Map<string, number>();
  let svgDepth = 0;
  let titleText: string | undefined;
  let tagName = '';
  let attrs: Record<string, string> = {};
  let attrName = '';
  let attrValue = '';

  const top = () => open[open.length - 1]!;
  const pop = (): HtmlElement => {
    const el = open.pop()!;
    openCount.set(el.name, (openCount.get(el.name) ?? 1) - 1);
    if (el.name === 'svg' || el.name === 'math') svgDepth = Math.max(0, svgDepth - 1);
    if (el.name === 'script' && /ld\+json/i.test(el.attrs.type ?? '')) {
      const body = el.children.find((c): c is string => typeof c === 'string');
      if (body) meta.jsonLd.push(body);
    }
    if (el.name === 'title' && titleText !== undefined && meta.title === undefined) meta.title = titleText;
    return el;
  };
  const appendText = (text: string) => {
    const cur = top();
    if (cur.name === 'title' && svgDepth === 0 && meta.title === undefined) titleText = (titleText ?? '') + text;
    if (cur.name === 'script' ? !/ld\+json/i.test(cur.attrs.type ?? '') : RAW_TEXT_SKIPPED.has(cur.name)) return;
    const last = cur.children[cur.children.length - 1];
    if (typeof last === 'string') cur.children[cur.children.length - 1] = last + text;
    else cur.children.push(text);
  };
  const openElement = (selfClosing: boolean) => {
    const name = tagName;
    tagName = '';
    if (!name) return;
    const closes = CLOSES_SIBLING[name];
    // A <body> closes a <head> left open, or the whole page would sit inside the dropped head.
    if (name === 'body' && (openCount.get('head') ?? 0) > 0) while (open.length > 1 && pop().name !== 'head');
    while (open.length > 1 && ((CLOSES_P.has(name) && top().name === 'p') || closes?.has(top().name))) pop();
    const el: HtmlElement = { name, attrs, children: [], parent: top() };
    top().children.push(el);
    if (name === 'meta') meta.metas.push(attrs);
    else if (name === 'link') meta.links.push(attrs);
    else if (name === 'html' && attrs.lang && !meta.lang) meta.lang = attrs.lang;
    if (VOID_TAGS.has(name) || (selfClosing && svgDepth > 0)) return;
    open.push(el);
    openCount.set(name, (openCount.get(name) ?? 0) + 1);
    if (name === 'svg' || name === 'math') svgDepth++;
  };

  const tokenizer = new Tokenizer(
    { decodeEntities: true },
    {
      onopentagname(start, end) {
        tagName = html.slice(start, end).toLowerCase();
        attrs = {};
      },
      onattribname(start, end) {
        attrName = html.slice(start, end).toLowerCase();
        attrValue = '';
      },
      onattribdata(start, end) {
        attrValue += html.slice(start, end);
      },
      onattribentity(cp) {
        attrValue += String.fromCodePoint(cp);
      },
      onattribend() {
        if (!(attrName in attrs)) attrs[attrName] = attrValue;
      },
      onopentagend() {
        openElement(false);
      },
      onselfclosingtag() {
        openElement(true);
      },
      onclosetag(start, end) {
        const name = html.slice(start, end).toLowerCase();
        if (name === 'br') {
          top().children.push({ name: 'br', attrs: {}, children: [], parent: top() });
          return;
        }
        if (!(openCount.get(name) ?? 0)) return; // a stray end tag: ignored, as browsers do
        while (open.length > 1) {
          const done = top().name === name;
          pop();
          if (done) break;
        }
      },
      ontext(start, end) {
        appendText(html.slice(start, end));
      },
      ontextentity(cp) {
        appendText(String.fromCodePoint(cp));
      },
      oncdata() {},
      oncomment() {},
      ondeclaration() {},
      onprocessinginstruction() {},
      onend() {},
      isInForeignContext: () => svgDepth > 0,
    },
  );
  tokenizer.write(html);
  tokenizer.end();
  while (open.length > 1) pop();
  return { root, meta };
}

/** Elements in document order (pre-order), with their depth. */
function preorder(root: HtmlElement): HtmlElement[] {
  const out: HtmlElement[] = [];
  const stack: HtmlElement[] = [root];
  while (stack.length) {
    const el = stack.pop()!;
    out.push(el);
    for (let i = el.children.length - 1; i >= 0; i--) {
      const c = el.children[i]!;
      if (isElement(c)) stack.push(c);
    }
  }
  return out;
}

const collapse = (s: string): string => s.replace(/\s+/g, ' ');

function isSemantic(el: HtmlElement): 0 | 1 | 2 | 3 {
  if (/\barticleBody\b/.test(el.attrs.itemprop ?? '')) return 3;
  if (el.name === 'article') return 2;
  if (el.name === 'main' || el.attrs.role === 'main') return 1;
  return 0;
}

function isNoiseElement(el: HtmlElement): boolean {
  if (DROP_TAGS.has(el.name)) return true;
  const a = el.attrs;
  if (
    a.hidden !== undefined ||
    a['aria-hidden'] === 'true' ||
    /display\s*:\s*none|visibility\s*:\s*hidden/i.test(a.style ?? '')
  )
    return true;
  if (a.role && NOISE_ROLES.has(a.role)) return true;
  if (a['aria-label'] && NOISE_LABEL.test(a['aria-label'])) return true;
  const cls = `${a.class ?? ''} ${a.id ?? ''}`.trim();
  return cls !== '' && NOISE_CLASS.test(cls) && !OK_CLASS.test(cls);
}

interface Analysis {
  order: HtmlElement[];
  gone: Set<HtmlElement>;
  textLen: Map<HtmlElement, number>;
  linkLen: Map<HtmlElement, number>;
  /** Text of the element's paragraphs (p of 25+ characters). */
  paraLen: Map<HtmlElement, number>;
  score: Map<HtmlElement, number>;
}

function analyse(root: HtmlElement): Analysis {
  const order = preorder(root);
  // An element holding the article (or being it) is never dropped for its class: "has-sidebar" on a page wrapper
  // would otherwise take the whole story with it.
  const holdsArticle = new Set<HtmlElement>();
  for (let i = order.length - 1; i >= 0; i--) {
    const el = order[i]!;
    if ((isSemantic(el) || holdsArticle.has(el)) && el.parent) holdsArticle.add(el.parent);
  }
  const gone = new Set<HtmlElement>();
  for (const el of order) {
    if (el.parent && gone.has(el.parent)) gone.add(el);
    else if (
      el !== root &&
      el.name !== 'body' &&
      el.name !== 'html' &&
      !holdsArticle.has(el) &&
      !isSemantic(el) &&
      isNoiseElement(el)
    )
      gone.add(el);
    else if (DROP_TAGS.has(el.name)) gone.add(el);
  }
  const textLen = new Map<HtmlElement, number>();
  const linkLen = new Map<HtmlElement, number>();
  const paraLen = new Map<HtmlElement, number>();
  const score = new Map<HtmlElement, number>();
  for (let i = order.length - 1; i >= 0; i--) {
    const el = order[i]!;
    if (gone.has(el)) continue;
    let t = 0;
    let l = 0;
    let p = 0;
    for (const c of el.children) {
      if (typeof c === 'string') t += collapse(c).trim().length;
      else if (!gone.has(c)) {
        t += textLen.get(c) ?? 0;
        l += linkLen.get(c) ?? 0;
        p += paraLen.get(c) ?? 0;
      }
    }
    if (el.name === 'a') l = t;
    textLen.set(el, t);
    linkLen.set(el, l);
    const isPara =
      el.name === 'p' ||
      el.name === 'pre' ||
      (el.name === 'div' && !el.children.some((c) => isElement(c) && BLOCK_TAGS.has(c.name) && !gone.has(c)));
    if (isPara && t >= 25 && l / t < 0.5) {
      p = t;
      // Readability's paragraph score, spread over five ancestors with a falling weight.
      const text = textOf(el, gone);
      const s = 1 + (text.match(/,/g)?.length ?? 0) + Math.min(Math.floor(t / 100), 3);
      let a = el.parent;
      for (let level = 0; a && level < 5; level++, a = a.parent) {
        score.set(a, (score.get(a) ?? 0) + s / (level === 0 ? 1 : level === 1 ? 2 : level * 3));
      }
    }
    paraLen.set(el, p);
  }
  return { order, gone, textLen, linkLen, paraLen, score };
}

/** Flat text of one element (small subtrees: a paragraph). */
function textOf(el: HtmlElement, gone: Set<HtmlElement>): string {
  let out = '';
  const stack: HtmlNode[] = [el];
  while (stack.length) {
    const n = stack.pop()!;
    if (typeof n === 'string') out += n;
    else if (!gone.has(n) || n === el) for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
  }
  return collapse(out).trim();
}

function contains(ancestor: HtmlElement, el: HtmlElement): boolean {
  for (let a: HtmlElement | undefined = el; a; a = a.parent) if (a === ancestor) return true;
  return false;
}

/** The element(s) holding the story: a semantic container when it has the text, else the best-scored one and its siblings. */
function chooseContent(an: Analysis): HtmlElement[] {
  const { order, gone, textLen, linkLen, paraLen, score } = an;
  let top: HtmlElement | undefined;
  let topScore = 0;
  for (const el of order) {
    if (gone.has(el)) continue;
    const t = textLen.get(el) ?? 0;
    const s = (score.get(el) ?? 0) * (1 - (t ? (linkLen.get(el) ?? 0) / t : 0));
    if (s > topScore) {
      top = el;
      topScore = s;
    }
  }
  let sem: HtmlElement | undefined;
  for (const el of order) {
    if (gone.has(el) || (paraLen.get(el) ?? 0) < 140) continue;
    const rank = isSemantic(el);
    if (!rank) continue;
    if (
      !sem ||
      rank > isSemantic(sem) ||
      (rank === isSemantic(sem) && (paraLen.get(el) ?? 0) > (paraLen.get(sem) ?? 0))
    )
      sem = el;
  }
  if (
    sem &&
    (!top || contains(sem, top) || contains(top, sem) || (paraLen.get(top) ?? 0) <= 2 * (paraLen.get(sem) ?? 0))
  ) {
    // An articleBody nested in a bigger scored block is still the story; a block scored inside the semantic one is part of it.
    return [sem];
  }
  // No paragraph anywhere (a bare fragment, inline-only markup): all the text there is.
  if (!top) return [an.order[0]!];
  const parent = top.parent;
  if (!parent) return [top];
  const threshold = Math.max(10, topScore * 0.2);
  return parent.children.filter(
    (c): c is HtmlElement =>
      isElement(c) &&
      !gone.has(c) &&
      (c === top || (score.get(c) ?? 0) >= threshold || (c.name === 'p' && (paraLen.get(c) ?? 0) >= 80)),
  );
}

/** Paragraph texts under the given roots, skipping dropped subtrees and link farms. */
function emitParagraphs(roots: readonly HtmlElement[], an: Analysis): string[] {
  const { gone, textLen, linkLen } = an;
  const out: string[] = [];
  let buf = '';
  const flush = () => {
    const t = collapse(buf).trim();
    if (t) out.push(t);
    buf = '';
  };
  type Frame = { node: HtmlNode; exit: boolean };
  const stack: Frame[] = [];
  for (let i = roots.length - 1; i >= 0; i--) stack.push({ node: roots[i]!, exit: false });
  while (stack.length) {
    const { node, exit } = stack.pop()!;
    if (typeof node === 'string') {
      buf += node;
      continue;
    }
    const block = BLOCK_TAGS.has(node.name);
    if (exit) {
      if (block) flush();
      continue;
    }
    if (gone.has(node)) continue;
    const t = textLen.get(node) ?? 0;
    const density = t ? (linkLen.get(node) ?? 0) / t : 0;
    // Lists and boxes of links inside the story are "related" teasers, not text.
    if (block && node.name !== 'p' && density > 0.5 && t < 1000 && !roots.includes(node)) continue;
    if (node.name === 'p' && density >= 0.9 && t < 200) continue;
    if (block) flush();
    stack.push({ node, exit: true });
    for (let i = node.children.length - 1; i >= 0; i--) stack.push({ node: node.children[i]!, exit: false });
  }
  flush();
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Metadata

const ARTICLE_TYPES =
  /^(?:NewsArticle|Article|ReportageNewsArticle|AnalysisNewsArticle|OpinionNewsArticle|BackgroundNewsArticle|ReviewNewsArticle|BlogPosting|LiveBlogPosting|Report|ScholarlyArticle|TechArticle|SocialMediaPosting)$/;

type Json = unknown;
const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Names in a schema.org / API value: "X", {name: "X"}, ["X", {name: "Y"}] (one level: deeper is not a name). */
export function namesIn(value: Json): string[] {
  const items = Array.isArray(value) ? value : [value];
  const out: string[] = [];
  for (const v of items.slice(0, 50)) {
    const s = typeof v === 'string' ? v : isObject(v) ? (v.name ?? v.title ?? v.original ?? v.displayName) : undefined;
    if (typeof s === 'string' && s.trim()) out.push(collapse(s).trim());
  }
  return [...new Set(out)];
}

/** The first schema.org article object in JSON-LD blocks (inside @graph, arrays, mainEntity…), walked iteratively. */
function findJsonLdArticle(blocks: readonly string[]): Record<string, Json> | undefined {
  for (const block of blocks) {
    let parsed: Json;
    try {
      parsed = JSON.parse(block);
    } catch {
      continue;
    }
    const stack: { v: Json; depth: number }[] = [{ v: parsed, depth: 0 }];
    let budget = 10_000;
    while (stack.length && budget-- > 0) {
      const { v, depth } = stack.shift()!;
      if (depth > 20) continue;
      if (Array.isArray(v)) {
        for (const x of v) stack.push({ v: x, depth: depth + 1 });
      } else if (isObject(v)) {
        const types = Array.isArray(v['@type']) ? v['@type'] : [v['@type']];
        if (types.some((t) => typeof t === 'string' && ARTICLE_TYPES.test(t))) return v;
        for (const x of Object.values(v))
          if (typeof x === 'object' && x !== null) stack.push({ v: x, depth: depth + 1 });
      }
    }
  }
  return undefined;
}

/** `en-GB` → `en`; anything that is not a language tag → undefined. */
export function normaliseLanguage(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^\s*([a-z]{2,3})(?:[-_][a-z0-9]{1,8})*\s*$/i.exec(value);
  return m ? m[1]!.toLowerCase() : undefined;
}

const str = (v: Json): string | undefined => (typeof v === 'string' && v.trim() ? collapse(v).trim() : undefined);

/** "Headline - The Site" / "Headline | Site" → "Headline" when the tail is the site's name. */
function stripSiteSuffix(title: string, site: string | undefined): string {
  const m = /^(.{10,}?)\s+[-|–—·:]\s+([^-|–—·]{2,60})$/.exec(title);
  if (!m) return title;
  const tail = m[2]!.toLowerCase().replace(/^the\s+/, '');
  const s = (site ?? '').toLowerCase().replace(/^the\s+/, '');
  return s && (tail.includes(s) || s.includes(tail)) ? m[1]! : title;
}

function dropTitleEcho(body: string, title: string | undefined): string {
  if (!title) return body;
  const key = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
  const [first, ...rest] = body.split('\n\n');
  return first !== undefined && key(first) === key(title) ? rest.join('\n\n') : body;
}

/** A whole page (or a fragment) → the story's text and metadata. */
export function htmlToArticle(html: string): RawArticle {
  const { root, meta } = parseHtml(html);
  const an = analyse(root);
  const paragraphs = emitParagraphs(chooseContent(an), an);

  const m = new Map<string, string>();
  for (const a of meta.metas) {
    const k = (a.property ?? a.name ?? a.itemprop ?? '').toLowerCase();
    const v = a.content;
    if (k && v?.trim() && !m.has(k)) m.set(k, v.trim());
  }
  const canonical = meta.links.find((l) => /(?:^|\s)canonical(?:\s|$)/i.test(l.rel ?? ''))?.href;
  const ld = findJsonLdArticle(meta.jsonLd);

  const site = m.get('og:site_name') ?? (ld ? namesIn(ld.publisher)[0] : undefined) ?? m.get('application-name');
  const h1 = an.order.find((el) => el.name === 'h1' && !an.gone.has(el));
  const title =
    str(ld?.headline) ??
    m.get('og:title') ??
    m.get('twitter:title') ??
    (meta.title?.trim() ? stripSiteSuffix(collapse(meta.title).trim(), site) : undefined) ??
    (h1 ? str(textOf(h1, an.gone)) : undefined);
  // The first web URL of the page's candidates; failing one, the first candidate, which keepWebUrl then drops and
  // reports (a `javascript:` canonical link must neither be stored nor hide a good og:url).
  const urls = [str(canonical), m.get('og:url'), str(ld?.url), str(ld?.mainEntityOfPage)].filter(
    (u): u is string => !!u,
  );
  const url = urls.find(isWebUrl) ?? urls[0];
  const published = [
    m.get('article:published_time'),
    ld?.datePublished,
    m.get('datepublished'),
    m.get('article:published'),
    m.get('og:published_time'),
    m.get('pubdate'),
    m.get('publishdate'),
    m.get('publish-date'),
    m.get('date'),
    m.get('dc.date.issued'),
    m.get('parsely-pub-date'),
    m.get('sailthru.date'),
    ld?.dateCreated,
  ]
    .map(normaliseDate)
    .find((d) => d !== undefined);
  const metaAuthor = m.get('author') ?? m.get('byl')?.replace(/^by\s+/i, '');
  const articleAuthor = m.get('article:author');
  const ldAuthors = ld ? [...namesIn(ld.author), ...(namesIn(ld.author).length ? [] : namesIn(ld.creator))] : [];
  const author =
    metaAuthor ??
    (ldAuthors.length ? ldAuthors.join(', ') : undefined) ??
    (articleAuthor && !/^https?:/i.test(articleAuthor) ? articleAuthor : undefined);
  const language =
    normaliseLanguage(meta.lang) ??
    normaliseLanguage(m.get('content-language')) ??
    normaliseLanguage(m.get('og:locale')) ??
    'en';

  let body = dropTitleEcho(cleanText(paragraphs.join('\n\n')), title);
  const ldBody = str(ld?.articleBody);
  // Publishers' own articleBody is clean text; it wins when the page's markup gave us less.
  if (ldBody && ldBody.length > body.length)
    body = dropTitleEcho(
      cleanText(/<[a-z][^>]*>/i.test(ldBody) ? htmlFragmentToText(ldBody) : String(ld?.articleBody)),
      title,
    );

  const source = site ?? hostOf(url);
  return {
    ...(title ? { title } : {}),
    ...(url ? { url } : {}),
    ...(source ? { source } : {}),
    ...(author ? { author } : {}),
    ...(published ? { publishedAt: published } : {}),
    language,
    body,
  };
}

/** An HTML fragment that *is* the body (a JSON `content` field): all its text, furniture dropped, nothing chosen. */
export function htmlFragmentToText(html: string): string {
  const { root } = parseHtml(html);
  const an = analyse(root);
  return cleanText(emitParagraphs([root], an).join('\n\n'));
}
