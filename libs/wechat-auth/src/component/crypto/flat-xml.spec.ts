import fc from 'fast-check';
import { FlatXmlError, parseFlatXml } from './flat-xml';

describe('parseFlatXml', () => {
  it('reads CDATA and text values, the five entities and character references', () => {
    const fields = parseFlatXml(
      '\uFEFF <xml>\n<AppId><![CDATA[wx0123456789abcdef]]></AppId>\n' +
        '<CreateTime>1413192605</CreateTime><Empty></Empty><Closed/><Spaced > a b </Spaced >' +
        '<Text>&lt;&gt;&amp;&quot;&apos;&#65;&#x4e2d;</Text>' +
        '<Mixed>a<![CDATA[<b>]]>c<![CDATA[]]]]><![CDATA[>]]></Mixed></xml>\n',
    );
    expect({ ...fields }).toEqual({
      AppId: 'wx0123456789abcdef',
      CreateTime: '1413192605',
      Empty: '',
      Closed: '',
      Spaced: ' a b ',
      Text: `<>&"'A中`,
      Mixed: 'a<b>c]]>',
    });
    expect(Object.isFrozen(fields)).toBe(true);
  });

  it('keeps __proto__ and constructor as plain fields', () => {
    const fields = parseFlatXml('<xml><__proto__>x</__proto__><constructor>y</constructor></xml>');
    expect(Object.getPrototypeOf(fields)).toBeNull();
    expect(fields['__proto__']).toBe('x');
    expect(fields['constructor']).toBe('y');
    expect(parseFlatXml('<xml><A/></xml>')['constructor']).toBeUndefined();
  });

  it('names the leaves of one nested level parent.child when allowed', () => {
    const xml =
      '<xml><InfoType>notify_third_fasteregister</InfoType>' +
      '<info>\n <name><![CDATA[Shop]]></name><code>123</code>\n</info></xml>';
    expect({ ...parseFlatXml(xml, 2) }).toEqual({
      InfoType: 'notify_third_fasteregister',
      'info.name': 'Shop',
      'info.code': '123',
    });
    expect(() => parseFlatXml(xml, 1)).toThrow('<info> holds elements');
    expect(() => parseFlatXml('<xml><a><b><c>1</c></b></a></xml>', 2)).toThrow(
      '<b> holds elements',
    );
    expect(() => parseFlatXml('<xml><a>text<b>1</b></a></xml>', 2)).toThrow('mixes text');
    // A repeated container is refused even when its children differ.
    expect(() => parseFlatXml('<xml><a><b>1</b></a><a><c>2</c></a></xml>', 2)).toThrow(
      '<a> appears more than once',
    );
  });

  it.each([
    ['a repeated element', '<xml><Encrypt>a</Encrypt><Encrypt>b</Encrypt></xml>', 'more than once'],
    ['a repeated empty element', '<xml><A/><A></A></xml>', 'more than once'],
    ['a DOCTYPE', '<!DOCTYPE xml [<!ENTITY x "y">]><xml><A>&x;</A></xml>', 'DOCTYPE'],
    ['an inner DOCTYPE', '<xml><!DOCTYPE x><A>1</A></xml>', 'DOCTYPE'],
    ['an ENTITY declaration', '<xml><!ENTITY x SYSTEM "file:///etc/passwd"></xml>', 'entity'],
    ['an external entity reference', '<xml><A>&xxe;</A></xml>', 'unknown entity'],
    ['&constructor;', '<xml><A>&constructor;</A></xml>', 'unknown entity'],
    ['a bare &', '<xml><A>a & b</A></xml>', 'bare &'],
    ['a reference to NUL', '<xml><A>&#0;</A></xml>', 'unknown entity'],
    ['a too large reference', '<xml><A>&#x110000;</A></xml>', 'unknown entity'],
    ['a comment', '<xml><!-- x --><A>1</A></xml>', 'comments'],
    ['an XML declaration', '<?xml version="1.0"?><xml></xml>', 'processing instructions'],
    ['a processing instruction', '<xml><?php x ?></xml>', 'processing instructions'],
    ['an attribute', '<xml><A b="1">x</A></xml>', 'attributes'],
    ['an attribute on the root', '<xml a="1"></xml>', 'attributes'],
    ['a namespace prefix', '<xml><a:b>1</a:b></xml>', 'attributes'],
    ['another root', '<root><A>1</A></root>', 'root element'],
    ['text before the root', 'x<xml></xml>', 'does not start'],
    ['content after the root', '<xml></xml><xml></xml>', 'after </xml>'],
    ['text in the root', '<xml>hi<A>1</A></xml>', 'text directly inside'],
    ['a mismatched end tag', '<xml><A>1</B></xml>', '</B> closes <A>'],
    ['an unclosed element', '<xml><A>1', 'not closed'],
    ['an unclosed CDATA section', '<xml><A><![CDATA[1</A></xml>', 'not closed'],
    [']]> in text', '<xml><A>a]]>b</A></xml>', ']]>'],
    ['a control character', '<xml><A>a\u0001b</A></xml>', 'character'],
    ['a control character in CDATA', '<xml><A><![CDATA[\u0000]]></A></xml>', 'character'],
    ['U+FFFF', '<xml><A>\uffff</A></xml>', 'character'],
    ['a name starting with a digit', '<xml><1A>1</1A></xml>', 'no valid name'],
    ['an empty document', '', 'does not start'],
  ])('refuses %s', (_what, xml, message) => {
    expect(() => parseFlatXml(xml, 2)).toThrow(FlatXmlError);
    expect(() => parseFlatXml(xml, 2)).toThrow(message);
  });

  it('refuses element names over 64 characters', () => {
    const name = 'a'.repeat(65);
    expect(() => parseFlatXml(`<xml><${name}>1</${name}></xml>`)).toThrow('too long');
    const ok = 'a'.repeat(64);
    expect(parseFlatXml(`<xml><${ok}>1</${ok}></xml>`)[ok]).toBe('1');
  });

  it('never quotes content in its messages', () => {
    const secret = 'TOPSECRETVALUE';
    for (const xml of [
      `<xml><A>${secret}&bad;</A></xml>`,
      `<xml><A>${secret}</A><A>${secret}</A></xml>`,
      `<xml><A><![CDATA[${secret}\u0001]]></A></xml>`,
      `<xml><A>${secret}`,
    ]) {
      try {
        parseFlatXml(xml);
        throw new Error('not refused');
      } catch (error) {
        expect(error).toBeInstanceOf(FlatXmlError);
        expect((error as Error).message).not.toContain(secret);
      }
    }
  });

  // The parser is one pass with bounded look-ahead; these are the inputs that make naive
  // parsers (regular expressions, unbounded searches per token) quadratic or worse.
  describe('64 KiB of hostile input', () => {
    const size = 64 * 1024;
    it.each([
      ['ampersands', `<xml><A>${'&'.repeat(size)}</A></xml>`, 'bare &'],
      ['far semicolons', `<xml><A>${'&a'.repeat(size / 2)};</A></xml>`, 'bare &'],
      ['open tags', '<xml>' + '<a>'.repeat(size / 3), 'holds elements'],
      ['unclosed CDATA sections', '<xml><A>' + '<![CDATA['.repeat(size / 9), 'not closed'],
      ['many elements', '<xml>' + '<a>1</a>'.repeat(size / 8) + '</xml>', 'more than once'],
      ['a huge name', `<xml><${'a'.repeat(size)}>`, 'too long'],
      ['CDATA-like text', `<xml><A>${']]'.repeat(size / 2)}</A></xml>`, null],
      ['whitespace', `<xml>${' '.repeat(size)}</xml>`, null],
      ['less-than signs', `<xml><A>${'<'.repeat(size)}</A></xml>`, 'no valid name'],
    ])('%s', (_what, xml, message) => {
      if (message === null) expect(() => parseFlatXml(xml, 2)).not.toThrow();
      else expect(() => parseFlatXml(xml, 2)).toThrow(message);
    });

    it('reads thousands of distinct elements', () => {
      let xml = '<xml>';
      for (let i = 0; i < 4000; i += 1) xml += `<F${i}><![CDATA[v${i}]]></F${i}>`;
      const fields = parseFlatXml(`${xml}</xml>`);
      expect(Object.keys(fields)).toHaveLength(4000);
      expect(fields.F3999).toBe('v3999');
    });
  });

  it('reads back any CDATA value and any escaped text value', () => {
    const xmlText = fc
      .string({ unit: 'grapheme', maxLength: 200 })
      .map((s) => s.replace(/[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, ''));
    fc.assert(
      fc.property(xmlText, (value) => {
        const cdata = value.split(']]>').join(']]]]><![CDATA[>');
        const escaped = value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
        const fields = parseFlatXml(`<xml><C><![CDATA[${cdata}]]></C><T>${escaped}</T></xml>`);
        expect(fields.C).toBe(value);
        expect(fields.T).toBe(value);
      }),
    );
  });

  it('throws only FlatXmlError on arbitrary input', () => {
    const fragments = fc.constantFrom(
      '<xml>',
      '</xml>',
      '<A>',
      '</A>',
      '<A/>',
      '<![CDATA[',
      ']]>',
      '&amp;',
      '&',
      ';',
      '<!DOCTYPE',
      '<?',
      '<!--',
      '"',
      ' ',
      'x',
      '<',
      '>',
    );
    fc.assert(
      fc.property(fc.array(fragments, { maxLength: 30 }), (parts) => {
        try {
          parseFlatXml(parts.join(''), 2);
        } catch (error) {
          expect(error).toBeInstanceOf(FlatXmlError);
        }
      }),
    );
  });
});
