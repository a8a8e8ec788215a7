// The one error the renderer raises itself: it was handed something that is not a briefing model.
import { MnpError } from '#core/errors.ts';

export class RenderError extends MnpError {}
