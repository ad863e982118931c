//! Test-only encoders written from the HotSpot 17 sources' *writers*
//! (`CompressedWriteStream`, `DebugInfoWriteStream`, `relocInfo` packing, ...), so the
//! decoders are checked against an independent statement of each format.

/// `CompressedWriteStream`: UNSIGNED5 and the derived encodings.
#[derive(Debug, Default, Clone)]
pub struct CompressedWriter {
    bytes: Vec<u8>,
}

impl CompressedWriter {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn position(&self) -> usize {
        self.bytes.len()
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }

    pub fn write_u8(&mut self, b: u8) {
        self.bytes.push(b);
    }

    /// `write_int` / `write_int_mb`.
    pub fn write_u32(&mut self, value: u32) {
        const L: u32 = 192;
        const H: u32 = 64;
        let mut sum = value;
        let mut i = 0;
        loop {
            if sum < L || i == 4 {
                assert!(sum <= 0xff, "valid byte");
                self.bytes.push(sum as u8);
                break;
            }
            sum -= L;
            self.bytes.push((L + sum % H) as u8);
            sum >>= 6;
            i += 1;
        }
    }

    pub fn write_i32(&mut self, value: i32) {
        self.write_u32(value as u32);
    }

    pub fn write_signed_i32(&mut self, value: i32) {
        self.write_u32(((value << 1) ^ (value >> 31)) as u32);
    }

    pub fn write_f32(&mut self, value: f32) {
        self.write_u32(value.to_bits().reverse_bits());
    }

    pub fn write_f64(&mut self, value: f64) {
        let bits = value.to_bits();
        self.write_u32(((bits >> 32) as u32).reverse_bits());
        self.write_u32((bits as u32).reverse_bits());
    }

    pub fn write_i64(&mut self, value: i64) {
        self.write_signed_i32(value as i32);
        self.write_signed_i32((value >> 32) as i32);
    }
}

/// A deterministic xorshift64* generator for the no-panic sweeps (no extra dependencies).
#[derive(Debug, Clone)]
pub struct XorShift(u64);

impl XorShift {
    pub fn new(seed: u64) -> Self {
        XorShift(seed | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }

    /// Random bytes, biased towards the small values and tags the formats use so that the
    /// decoders get past their first checks.
    pub fn bytes(&mut self, max_len: usize) -> Vec<u8> {
        let len = self.below(max_len + 1);
        (0..len)
            .map(|_| {
                let r = self.next_u64();
                match r % 4 {
                    0 => (r >> 8) as u8 % 10,
                    1 => (r >> 8) as u8 % 32,
                    _ => (r >> 8) as u8,
                }
            })
            .collect()
    }
}
