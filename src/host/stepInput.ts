// A form of several quick-input steps in ONE quick input: each step takes the place of the one before, and the widget
// does not close in between. Separate showQuickPick/showInputBox calls close it after every answer, and VS Code then
// gives the keyboard focus back to what had it before; when that is a webview (a waterfall), its frame takes the focus
// a moment later, after the next step has opened, and that step closes as if the user had clicked away (a CI run lost
// the search form at its second step this way). One widget also gives the user "2/5" and a Back button. The same
// happens once before the first step when the form is started from the command palette while a webview had the
// focus (the palette closing gives it back): so the form also stays open when the focus moves away, as Add Backend
// does; Escape leaves it.
import * as vscode from 'vscode';

/** What a step answers when the user pressed Back. */
export const BACK = Symbol('back');
/** A step's answer: the value, BACK, or undefined when the user closed the form (Escape, or clicked away). */
export type StepAnswer<T> = T | typeof BACK | undefined;

/** Calls `set` with the answer when it is a value (not Back, not closed), and passes the answer on. */
export function onAnswer<T>(answer: StepAnswer<T>, set: (value: T) => void): StepAnswer<T> {
  if (answer !== undefined && answer !== BACK) set(answer);
  return answer;
}

export interface InputStepOptions {
  readonly prompt: string;
  readonly placeholder?: string;
  readonly value?: string;
  /** A message while the value is not acceptable (Enter is refused then), else undefined. */
  readonly validate?: (value: string) => string | undefined;
}

export class StepInput implements vscode.Disposable {
  private current: vscode.QuickInput | undefined;
  /** The user closed the form (possibly while the next step was loading): every later step answers undefined. */
  private closed = false;

  constructor(private readonly title: string, readonly totalSteps: number) {}

  /** A pick list as step `step` (1-based); `active` is the item highlighted first (the earlier answer, after Back). */
  pick<T extends vscode.QuickPickItem>(step: number, items: readonly T[], options: { placeholder?: string; active?: T } = {}): Promise<StepAnswer<T>> {
    const pick = vscode.window.createQuickPick<T>();
    pick.items = items;
    if (options.placeholder) pick.placeholder = options.placeholder;
    if (options.active) pick.activeItems = [options.active];
    return this.run<T>(pick, step, finish => [pick.onDidAccept(() => {
      const chosen = pick.selectedItems[0] ?? pick.activeItems[0];
      if (chosen) finish(chosen);
    })]);
  }

  /** A text input as step `step` (1-based). */
  input(step: number, options: InputStepOptions): Promise<StepAnswer<string>> {
    const box = vscode.window.createInputBox();
    box.prompt = options.prompt;
    if (options.placeholder) box.placeholder = options.placeholder;
    box.value = options.value ?? '';
    const validate = options.validate ?? (() => undefined);
    return this.run<string>(box, step, finish => [
      box.onDidChangeValue(v => { box.validationMessage = validate(v); }),
      box.onDidAccept(() => {
        const message = validate(box.value);
        if (message) box.validationMessage = message;
        else finish(box.value);
      }),
    ]);
  }

  /** Runs `work` (loading the next step's items) with the current step busy and not accepting input. */
  async busy<T>(work: Promise<T>): Promise<T> {
    const q = this.current;
    if (q) { q.busy = true; q.enabled = false; }
    try {
      return await work;
    } finally {
      if (q) { q.busy = false; q.enabled = true; }
    }
  }

  /** Closes the form; call it once the last step is answered (or the form was left). */
  dispose(): void {
    const q = this.current;
    this.current = undefined;
    q?.dispose();
  }

  private run<T>(q: vscode.QuickInput & { buttons: readonly vscode.QuickInputButton[]; readonly onDidTriggerButton: vscode.Event<vscode.QuickInputButton> },
    step: number, wire: (finish: (answer: StepAnswer<T>) => void) => vscode.Disposable[]): Promise<StepAnswer<T>> {
    q.title = this.title;
    q.step = step;
    q.totalSteps = this.totalSteps;
    q.ignoreFocusOut = true;
    q.buttons = step > 1 ? [vscode.QuickInputButtons.Back] : [];
    if (this.closed) { q.dispose(); return Promise.resolve(undefined); }
    return new Promise<StepAnswer<T>>(resolve => {
      let settled = false;
      const subs: vscode.Disposable[] = [];
      // The widget stays up after its answer, until the next step replaces it or the form is disposed: its accept and
      // Back listeners go now, so that a second Enter on a step already answered does nothing.
      const finish = (answer: StepAnswer<T>) => {
        if (settled) return;
        settled = true;
        for (const d of subs) d.dispose();
        resolve(answer);
      };
      subs.push(...wire(finish), q.onDidTriggerButton(b => { if (b === vscode.QuickInputButtons.Back) finish(BACK); }));
      // Kept after the answer: an answered step stays up (busy) while the next one loads, and closing it then closes
      // the form. The hide of a step replaced by the next, or of the form disposed, is not the user's.
      q.onDidHide(() => {
        if (this.current !== q) return;
        this.closed = true;
        this.dispose();
        finish(undefined);
      });
      const previous = this.current;
      this.current = q;
      // shown before the previous step goes, so the quick input never closes between two steps
      q.show();
      previous?.dispose();
    });
  }
}
