import { createSignal, onCleanup, Show } from 'solid-js';
import { useStore } from '../store';
import { Icon } from './Icon';

/** Shown while the real-time link is down (after a short grace period on the very first connect). */
export function ConnectionBanner() {
  const { connection } = useStore();
  const [graceOver, setGraceOver] = createSignal(false);
  const t = setTimeout(() => setGraceOver(true), 2000);
  onCleanup(() => clearTimeout(t));

  const text = () => {
    const { status, everConnected } = connection.state;
    if (status === 'offline') return "You're offline. Messages will be sent when you're back.";
    if (status === 'reconnecting') return 'Connection lost. Reconnecting…';
    if (status === 'connecting' && !everConnected && graceOver()) return 'Connecting to Converge…';
    return null;
  };

  return (
    <div class="banner-slot" role="status" aria-live="polite">
      <Show when={text()}>
        <div class="banner" data-testid="connection-banner">
          <Icon name="wifiOff" size={16} />
          <span>{text()}</span>
        </div>
      </Show>
    </div>
  );
}
