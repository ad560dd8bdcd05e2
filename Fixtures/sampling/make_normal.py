"""Writes normal.json: the first normal variates of SeededGenerator.nextNormal for a few seeds and
parameters, computed from an independent port of xoshiro256** seeded by SplitMix64 and of
Marsaglia's polar method, each value rounded to float32 as Swift's Float(Double) does.
usage: python3 make_normal.py > normal.json
"""
import json, math, struct

MASK = (1 << 64) - 1

def splitmix(state):
    state = (state + 0x9E3779B97F4A7C15) & MASK
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return state, z ^ (z >> 31)

def rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & MASK

class Xoshiro256StarStar:
    def __init__(self, seed):
        self.s = []
        for _ in range(4):
            seed, value = splitmix(seed)
            self.s.append(value)

    def next(self):
        s = self.s
        result = (rotl((s[1] * 5) & MASK, 7) * 9) & MASK
        t = (s[1] << 17) & MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
        return result

    def unit_double(self):
        return (self.next() >> 11) * 2.0 ** -53

    def standard_normal(self):
        while True:
            u = 2 * self.unit_double() - 1
            v = 2 * self.unit_double() - 1
            s = u * u + v * v
            if 0 < s < 1:
                return u * math.sqrt(-2 * math.log(s) / s)

def float32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]

cases = []
for seed, mean, std in [(0, 0.0, 1.0), (42, 0.0, 1.0), (2024, 0.0, 0.4), (7, 3.5, 2.0)]:
    generator = Xoshiro256StarStar(seed)
    values = [float32(float32(mean) + float32(std) * generator.standard_normal()) for _ in range(16)]
    cases.append({"seed": seed, "mean": mean, "standardDeviation": std, "values": values})
print(json.dumps({"nextNormal": cases}, indent=1))
