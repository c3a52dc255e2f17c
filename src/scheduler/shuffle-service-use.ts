//! What a job asks of a remote shuffle service: bytes it holds over time and bytes through it.

const GIB = 2 ** 30;

/** Bytes stored in, and moved through, the remote shuffle service during one run. */
export class ShuffleServiceUse {
  private bytesStored = 0;
  private since = 0;
  private byteMs = 0;
  /** Bytes written to and read from the service. */
  bytesTransferred = 0;
  /** The most bytes it held at once. */
  peakBytesStored = 0;

  /** `delta` bytes of finished output appear in (or leave) the service at `nowMs`. */
  stored(nowMs: number, delta: number): void {
    this.byteMs += this.bytesStored * (nowMs - this.since);
    this.since = nowMs;
    this.bytesStored += delta;
    if (this.bytesStored > this.peakBytesStored) this.peakBytesStored = this.bytesStored;
  }

  transferred(bytes: number): void {
    this.bytesTransferred += bytes;
  }

  /** GiB-seconds of stored data up to `nowMs`. */
  gibSecondsStored(nowMs: number): number {
    return (this.byteMs + this.bytesStored * (nowMs - this.since)) / GIB / 1000;
  }
}
