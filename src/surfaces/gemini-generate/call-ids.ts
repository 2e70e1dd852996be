// Gemini call ids are optional. A call without one gets an id minted from its position
// (`call_<content>_<part>`, stable as the history grows), and a response without one answers the
// first unanswered call OF THE SAME NAME in the model turn before it. A response that matches no
// call is refused, as Gemini refuses it.
import { InvalidRequestError } from '../../core/errors.js';

/** Pairs function responses with the calls of the model turn before them. */
export class CallIds {
  #pending: { id: string; name: string; minted: boolean }[] = [];

  newTurn(): void {
    this.#pending = [];
  }

  call(id: string | undefined, name: string, minted: string): string {
    const final = id !== undefined && id !== '' ? id : minted;
    this.#pending.push({ id: final, name, minted: final === minted });
    return final;
  }

  response(id: string | undefined, name: string, p: string): string {
    const given = id !== undefined && id !== '' ? id : undefined;
    let k = given === undefined ? -1 : this.#pending.findIndex((c) => c.id === given);
    // A response id that matches no call may still answer a call that had none.
    if (k === -1) k = this.#pending.findIndex((c) => c.name === name && (given === undefined || c.minted));
    if (k === -1) {
      if (given !== undefined) return given;
      throw new InvalidRequestError(`Invalid value for '${p}.name': no unanswered functionCall named '${name}' in the model turn before it`, `${p}.name`);
    }
    const [matched] = this.#pending.splice(k, 1);
    return matched?.id ?? given ?? '';
  }
}
