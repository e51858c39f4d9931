import { FaultInjector, type Fault, type FaultInput } from "../shared/faults";

/**
 * `afterAccept: true` means "handle the request (store and send the email), then apply the fault to the
 * response": the classic "sent, but the client timed out or saw a 500" case. Without it a fault applies before
 * the request is handled, and nothing is stored.
 */
export type ResendFaultInput = FaultInput & { afterAccept?: boolean };
export type ResendFault = Fault & { afterAccept?: boolean };

// After-accept faults get ids from this offset up, so one id space covers both kinds (for remove()).
export const AFTER_ACCEPT_ID_OFFSET = 100_000;

/**
 * The shared injector, extended locally: after-accept faults live in a second injector so the shared
 * matching logic (method, path prefix, counts, windows) is reused unchanged.
 */
export class ResendFaultInjector extends FaultInjector {
  private readonly afterAccept = new FaultInjector();

  override add(input: ResendFaultInput): ResendFault {
    const { afterAccept, ...rest } = input;
    if (!afterAccept) return super.add(rest);
    return toAfterAccept(this.afterAccept.add(rest));
  }

  override list(): ResendFault[] {
    return [...super.list(), ...this.afterAccept.list().map(toAfterAccept)];
  }

  override remove(id: number): boolean {
    return id >= AFTER_ACCEPT_ID_OFFSET ? this.afterAccept.remove(id - AFTER_ACCEPT_ID_OFFSET) : super.remove(id);
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

function toAfterAccept(fault: Fault): ResendFault {
  return { ...fault, id: fault.id + AFTER_ACCEPT_ID_OFFSET, afterAccept: true };
}
