import { Component, type ReactNode } from 'react';
import { useT } from '../i18n.ts';

/**
 * An error boundary around each part of the app (each tab, the tools): data from the chain that
 * a screen cannot draw shows a message there, with a way to try again, instead of a blank page.
 * `resetKey`: drawing starts again when it changes (another tab, another account).
 */
export class Guard extends Component<{ children: ReactNode; resetKey?: string }, { error: Error | null; key?: string }> {
  override state: { error: Error | null; key?: string } = { error: null, key: this.props.resetKey };

  static getDerivedStateFromError(error: unknown): { error: Error } {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  static getDerivedStateFromProps(props: { resetKey?: string }, state: { error: Error | null; key?: string }) {
    return props.resetKey !== state.key ? { error: null, key: props.resetKey } : null;
  }

  override componentDidCatch(error: unknown): void {
    console.error('a screen failed to draw', error);
  }

  override render(): ReactNode {
    if (this.state.error) return <Broken message={this.state.error.message} onRetry={() => this.setState({ error: null })} />;
    return this.props.children;
  }
}

function Broken({ message, onRetry }: { message: string; onRetry: () => void }) {
  const t = useT();
  return (
    <section className="card" role="alert" data-testid="broken">
      <p className="error">{t.somethingBroke}</p>
      <p className="hint"><code>{message.slice(0, 200)}</code></p>
      <button type="button" className="secondary" onClick={onRetry}>{t.tryAgain}</button>
    </section>
  );
}
