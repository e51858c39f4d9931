import { FaultInjector, type Fault, type FaultInput } from "../shared/faults";

/**
 * `afterAccept: true` means "handle the request (store and send the email), then apply the fault to the
 * response": the classic "sent, but the client timed out or saw a 500" case. Without it a fault applies before
 * the request is handled, and nothing is stored.
 */
export type ResendFaultInput = FaultInput & { afterAccept?: boolean };
export type ResendFault = Fault & { afterAccept?: boolean };

/**
 * The shared injector, extended locally: after-accept faults live in a second injector so the shared
 * matching logic (method, path prefix, counts, windows) is reused unchanged.
 */
export class ResendFaultInjector extends FaultInjector {
  private readonly afterAccept = new FaultInjector();

  override add(input: ResendFaultInput): ResendFault {
    const { afterAccept, ...rest } = input;
    if (!afterAccept) return super.add(rest);
    return { ...this.afterAccept.add(rest), afterAccept: true };
  }

  override list(): ResendFault[] {
    return [...super.list(), ...this.afterAccept.list().map((f) => ({ ...f, afterAccept: true }))];
  }

  override clear(): void {
    super.clear();
    this.afterAccept.clear();
  }

  /** The after-accept faults that apply to this request (consuming their counts). */
  takeAfterAccept(method: string, path: string): ReturnType<FaultInjector["take"]> {
    return this.afterAccept.take(method, path);
  }
}
