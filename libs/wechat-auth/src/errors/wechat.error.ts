/**
 * Base class of every error the library throws. `name` is the concrete class name, so logs and
 * `instanceof` both tell what happened.
 *
 * @publicApi
 */
export class WechatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
