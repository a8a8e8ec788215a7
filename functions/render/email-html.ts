// Mail clients drop <style> blocks or parts of them, so the mail HTML carries its CSS inline
// (juice). Only the rules that cannot be inline stay in a <style> block: the media queries for
// phones and for dark mode, which override the inline styles with !important.
import juice from 'juice';

export function inlineEmailCss(html: string): string {
  return juice(html, {
    preserveMediaQueries: true,
    removeStyleTags: true,
    preserveImportant: false,
    // Width and align attributes beside the inline CSS, for Outlook's Word engine.
    applyWidthAttributes: true,
    // Not heights: the CSS height is "auto" (charts scale with the width), no valid attribute.
    applyHeightAttributes: false,
    applyAttributesTableElements: true,
  });
}
