import { html, jsonScript, raw } from '../../../src/admin/views/html';
import { safeNext } from '../../../src/admin/login.routes';

describe('html tagged template', () => {
  it('When a value holds markup, then it is escaped; nested templates and raw() are not', () => {
    const name = `<img src=x onerror="alert('x')">&`;
    const out = html`<p title="${name}">${name}${html`<b>${'1 < 2'}</b>`}${raw('<hr>')}</p>`;
    expect(out.value).toBe('<p title="&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;&amp;">&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;&amp;<b>1 &lt; 2</b><hr></p>');
  });

  it('When values are arrays, null, undefined or false, then arrays are joined and the others render nothing', () => {
    expect(html`<ul>${['a<', 'b'].map((x) => html`<li>${x}</li>`)}</ul>${null}${undefined}${false}${0}`.value).toBe('<ul><li>a&lt;</li><li>b</li></ul>0');
  });

  it('When data goes into a JSON script element, then no value can close the element', () => {
    const out = jsonScript('d', { label: '</script><script>alert(1)</script>' }).value;
    expect(out).not.toContain('</script><script>');
    expect(JSON.parse(/>(.*)<\/script>$/.exec(out)![1]!)).toEqual({ label: '</script><script>alert(1)</script>' });
  });
});

describe('safeNext', () => {
  it.each([
    ['/admin/broadcasts?x=1', '/admin/broadcasts?x=1'],
    ['/admin', '/admin'],
    ['//evil.example', '/admin'],
    ['/admin//evil.example', '/admin'],
    ['https://evil.example/admin', '/admin'],
    ['/administrator', '/admin'],
    ['/admin/login', '/admin'],
    ['/admin/\\evil', '/admin'],
  ])('When next is %s, then the sign-in goes to %s', (next, expected) => {
    expect(safeNext(next, '/admin')).toBe(expected);
  });
});
