import { AddressTool } from './components/AddressTool.tsx';
import { DecodeTool } from './components/DecodeTool.tsx';

/** The app shell. The wallet and the in-browser peer arrive with their issues; these tools need neither. */
export function App() {
  return (
    <div className="app">
      <header className="app-header">
        <h1>Antshares Web</h1>
        <p className="tagline">小蚁 · protocol tools</p>
      </header>
      <main>
        <AddressTool />
        <DecodeTool />
      </main>
    </div>
  );
}
