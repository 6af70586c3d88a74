/**
 * A strict reader of the one XML shape WeChat pushes: `<xml>` holding elements whose content is
 * text and/or CDATA, e.g. `<xml><AppId><![CDATA[wx...]]></AppId><CreateTime>1</CreateTime></xml>`.
 *
 * Everything else is refused rather than interpreted: a DOCTYPE, an entity other than the five
 * predefined ones and character references (so no XXE, no entity expansion), comments,
 * processing instructions (the `<?xml ?>` declaration too: WeChat sends none), attributes, an
 * element name repeated at the same place (two `Encrypt` elements are a forgery attempt, not a
 * choice to make), text beside child elements, nesting deeper than `maxDepth`, characters XML
 * forbids. One pass over the text, no backtracking regular expression: linear in its length.
 *
 * @internal
 */

/** Why the text was refused; the message names positions and element names, never content. */
export class FlatXmlError extends Error {}

/** Element names: `[A-Za-z_][A-Za-z0-9_]*`, at most this long. */
const MAX_NAME_LENGTH = 64;

// A Map, not an object: `&constructor;` must not find Object.prototype.constructor.
const PREDEFINED_ENTITIES = new Map([
  ['lt', '<'],
  ['gt', '>'],
  ['amp', '&'],
  ['quot', '"'],
  ['apos', "'"],
]);

/**
 * The values of the elements under `<xml>`, by name; with `maxDepth` 2, the leaves of an
 * element holding elements are named `parent.child` (the parent gets no value). The object has
 * no prototype (a `__proto__` or `constructor` element is just a field) and is frozen.
 *
 * @param maxDepth how many levels of elements `<xml>` may hold (1: flat)
 * @throws FlatXmlError on anything outside the shape above
 */
export function parseFlatXml(text: string, maxDepth: 1 | 2 = 1): Readonly<Record<string, string>> {
  return new FlatXmlReader(text, maxDepth).read();
}

class FlatXmlReader {
  private pos = 0;
  private readonly fields: Record<string, string> = Object.create(null) as Record<string, string>;
  /** Every path seen, containers included: a repeated one is refused. */
  private readonly seen = new Set<string>();

  constructor(
    private readonly text: string,
    private readonly maxDepth: number,
  ) {}

  read(): Readonly<Record<string, string>> {
    const { text } = this;
    if (text.charCodeAt(0) === 0xfeff) this.pos = 1;
    this.skipWhitespace();
    if (!this.startsWith('<')) this.fail('the document does not start with <xml>');
    this.refuseMarkupDeclarations();
    this.pos += 1;
    const { name, selfClosing } = this.readTagRest();
    if (name !== 'xml') this.fail('the root element is not <xml>');
    if (!selfClosing) this.readContent('xml', '', 0);
    this.skipWhitespace();
    if (this.pos !== text.length) this.fail('content after </xml>');
    return Object.freeze(this.fields);
  }

  /**
   * Reads the content of element `name` (at `path`, `depth` levels under `<xml>`; the root is 0)
   * up to and including its end tag, and records its value when it has no child element.
   */
  private readContent(name: string, path: string, depth: number): void {
    const { text } = this;
    let value = '';
    let hasText = false;
    let hasChild = false;
    for (;;) {
      if (this.pos >= text.length) this.fail(`<${name}> is not closed`);
      if (text.charCodeAt(this.pos) !== 0x3c /* < */) {
        const end = text.indexOf('<', this.pos);
        if (end === -1) this.fail(`<${name}> is not closed`);
        const run = this.decodeText(this.pos, end);
        if (!isWhitespace(run)) hasText = true;
        value += run;
        this.pos = end;
        continue;
      }
      if (this.startsWith('<![CDATA[')) {
        const start = this.pos + 9;
        const end = text.indexOf(']]>', start);
        if (end === -1) this.fail(`a CDATA section in <${name}> is not closed`);
        this.checkChars(start, end);
        value += text.slice(start, end);
        hasText = true;
        this.pos = end + 3;
        continue;
      }
      this.refuseMarkupDeclarations();
      if (this.startsWith('</')) {
        this.pos += 2;
        const closing = this.readName();
        this.skipWhitespace();
        if (text.charCodeAt(this.pos) !== 0x3e /* > */) this.fail(`bad end tag </${closing}>`);
        this.pos += 1;
        if (closing !== name) this.fail(`</${closing}> closes <${name}>`);
        break;
      }
      // A child element.
      if (depth >= this.maxDepth) this.fail(`<${name}> holds elements, which is not allowed here`);
      this.pos += 1;
      const child = this.readTagRest();
      const childPath = depth === 0 ? child.name : `${path}.${child.name}`;
      if (this.seen.has(childPath)) this.fail(`<${child.name}> appears more than once`);
      this.seen.add(childPath);
      hasChild = true;
      if (child.selfClosing) this.fields[childPath] = '';
      else this.readContent(child.name, childPath, depth + 1);
    }
    if (depth === 0) {
      if (hasText) this.fail('text directly inside <xml>');
      return;
    }
    if (hasChild) {
      if (hasText) this.fail(`<${name}> mixes text and elements`);
      return;
    }
    this.fields[path] = value;
  }

  /** After `<`: the name, optional whitespace, then `>` or `/>` (no attribute). */
  private readTagRest(): { name: string; selfClosing: boolean } {
    const name = this.readName();
    this.skipWhitespace();
    const { text } = this;
    if (text.charCodeAt(this.pos) === 0x3e /* > */) {
      this.pos += 1;
      return { name, selfClosing: false };
    }
    if (this.startsWith('/>')) {
      this.pos += 2;
      return { name, selfClosing: true };
    }
    return this.fail(`<${name}> has attributes or is not closed`);
  }

  private readName(): string {
    const { text } = this;
    const start = this.pos;
    let end = start;
    while (end < text.length && isNameChar(text.charCodeAt(end), end === start)) {
      end += 1;
      if (end - start > MAX_NAME_LENGTH) this.fail('an element name is too long');
    }
    if (end === start) this.fail('an element has no valid name');
    this.pos = end;
    return text.slice(start, end);
  }

  /** `<!` (DOCTYPE, ENTITY, comments, a CDATA section where none may be) and `<?` are refused. */
  private refuseMarkupDeclarations(): void {
    if (this.startsWith('<!DOCTYPE') || this.startsWith('<!ENTITY')) {
      this.fail('DOCTYPE and entity declarations are not allowed');
    }
    if (this.startsWith('<!--')) this.fail('comments are not allowed');
    if (this.startsWith('<!')) this.fail('markup declarations are not allowed');
    if (this.startsWith('<?')) this.fail('processing instructions are not allowed');
  }

  /** Text between `start` and `end` (no `<` in it), with its references replaced. */
  private decodeText(start: number, end: number): string {
    this.checkChars(start, end);
    // Searches stay inside the run: a search running on to the end of the document for each
    // run would make the whole read quadratic.
    const raw = this.text.slice(start, end);
    if (raw.includes(']]>')) this.fail(']]> outside a CDATA section');
    let result = '';
    let from = 0;
    for (;;) {
      const amp = raw.indexOf('&', from);
      if (amp === -1) break;
      result += raw.slice(from, amp);
      // The longest reference is `&#x10FFFF;`.
      const semicolon = raw.indexOf(';', amp);
      if (semicolon === -1 || semicolon - amp > 9) this.fail('a bare & or an unknown entity');
      result += this.decodeReference(raw.slice(amp + 1, semicolon));
      from = semicolon + 1;
    }
    return result + raw.slice(from);
  }

  private decodeReference(body: string): string {
    const predefined = PREDEFINED_ENTITIES.get(body);
    if (predefined !== undefined) return predefined;
    let codePoint = Number.NaN;
    if (/^#[0-9]{1,7}$/.test(body)) codePoint = Number.parseInt(body.slice(1), 10);
    else if (/^#x[0-9a-fA-F]{1,6}$/.test(body)) codePoint = Number.parseInt(body.slice(2), 16);
    if (!isXmlChar(codePoint)) this.fail('a bare & or an unknown entity');
    return String.fromCodePoint(codePoint);
  }

  /** Refuses the characters XML 1.0 forbids (controls other than tab, LF, CR; U+FFFE/U+FFFF). */
  private checkChars(start: number, end: number): void {
    const { text } = this;
    for (let i = start; i < end; i += 1) {
      const code = text.charCodeAt(i);
      if ((code < 0x20 && code !== 0x9 && code !== 0xa && code !== 0xd) || code >= 0xfffe) {
        this.fail('a character XML does not allow');
      }
    }
  }

  private skipWhitespace(): void {
    const { text } = this;
    while (this.pos < text.length && isWhitespaceCode(text.charCodeAt(this.pos))) this.pos += 1;
  }

  private startsWith(token: string): boolean {
    return this.text.startsWith(token, this.pos);
  }

  private fail(reason: string): never {
    throw new FlatXmlError(`${reason} (at character ${this.pos})`);
  }
}

function isNameChar(code: number, first: boolean): boolean {
  return (
    (code >= 0x41 && code <= 0x5a) || // A-Z
    (code >= 0x61 && code <= 0x7a) || // a-z
    code === 0x5f || // _
    (!first && code >= 0x30 && code <= 0x39) // 0-9
  );
}

function isWhitespaceCode(code: number): boolean {
  return code === 0x20 || code === 0x9 || code === 0xa || code === 0xd;
}

function isWhitespace(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    if (!isWhitespaceCode(text.charCodeAt(i))) return false;
  }
  return true;
}

function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}
