"""Writes numbers.txt: random decimal texts with their correctly rounded float32 and float64 bit
patterns, the reference for the CSV number parser. float64 comes from Python's float() (correctly
rounded); float32 is rounded exactly from fractions.Fraction (numpy's float32 of a string rounds
twice, through float64, so it cannot serve). usage: python3 make_numbers.py > numbers.txt
"""
import random, struct
from fractions import Fraction

def float32_bits(text):
    value = Fraction(text)
    sign = 0x80000000 if text.strip().startswith("-") else 0
    value = abs(value)
    if value == 0:
        return sign
    exponent = value.numerator.bit_length() - value.denominator.bit_length()
    while Fraction(2) ** exponent > value: exponent -= 1
    while Fraction(2) ** (exponent + 1) <= value: exponent += 1
    exponent = max(exponent, -126)
    scaled = value * Fraction(2) ** (23 - exponent)
    n = scaled.numerator // scaled.denominator
    rest = scaled - n
    if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and n % 2 == 1):
        n += 1
    result = Fraction(n) * Fraction(2) ** (exponent - 23)
    if result >= Fraction(2) ** 128:
        return sign | 0x7F800000
    return sign | struct.unpack("<I", struct.pack("<f", float(result)))[0]

def float64_bits(text):
    return struct.unpack("<Q", struct.pack("<d", float(text)))[0]

def decimal_of(fraction, digits):
    """`fraction` written with `digits` significant digits, exactly when digits suffice."""
    sign = "-" if fraction < 0 else ""
    fraction = abs(fraction)
    exponent = 0
    while fraction >= 10: fraction /= 10; exponent += 1
    while fraction < 1: fraction *= 10; exponent -= 1
    scaled = fraction * Fraction(10) ** (digits - 1)
    n = scaled.numerator // scaled.denominator
    text = str(n)
    return f"{sign}{text[0]}.{text[1:] or '0'}e{exponent}"

def main():
    random.seed(20261121)
    texts = []
    for _ in range(4000):   # short everyday decimals
        whole = random.randint(0, 10 ** random.randint(0, 6))
        frac = random.randint(0, 10 ** random.randint(0, 8))
        texts.append(f"{random.choice(['', '-'])}{whole}.{str(frac).zfill(random.randint(len(str(frac)), 9))}")
    for _ in range(3000):   # scientific notation over the whole float32 range and beyond
        texts.append(f"{random.randint(1, 10 ** random.randint(1, 19))}e{random.randint(-70, 45)}")
    for _ in range(3000):   # float64 reprs, as pandas and numpy write them (up to 17 digits)
        value = struct.unpack("<d", struct.pack("<Q", random.getrandbits(64)))[0]
        if value == value and abs(value) != float("inf"):
            texts.append(repr(value))
    for _ in range(3000):   # float32 values printed in full: short and long exact forms
        bits = random.getrandbits(31)
        value = struct.unpack("<f", struct.pack("<I", bits))[0]
        if value == value and value != float("inf"):
            texts.append(repr(value))
            texts.append(repr(float(struct.unpack("<f", struct.pack("<I", bits))[0])))
    for _ in range(3000):   # float32 halfway points: exact, and a hair above and below
        bits = random.randint(0, 0x7F7FFFFE)
        low = Fraction(struct.unpack("<f", struct.pack("<I", bits))[0])
        high = Fraction(struct.unpack("<f", struct.pack("<I", bits + 1))[0])
        middle = (low + high) / 2
        texts.append(decimal_of(middle, 120))
        texts.append(decimal_of(middle, 25))
        texts.append(decimal_of(middle * (1 + Fraction(1, 10 ** 30)), 40))
        texts.append(decimal_of(middle * (1 - Fraction(1, 10 ** 30)), 40))
    for _ in range(200):   # float64 halfway points, for the Double conversion
        bits = random.randint(0, 0x7FEFFFFFFFFFFFFE)
        low = Fraction(struct.unpack("<d", struct.pack("<Q", bits))[0])
        high = Fraction(struct.unpack("<d", struct.pack("<Q", bits + 1))[0])
        texts.append(decimal_of((low + high) / 2, 800))
    texts += ["0", "-0", "0.0", "1", "007", "3.4028235e38", "3.4028236e38", "3.40282357e38",
              "340282356779733661637539395458142568448", "1e-45", "7e-46", "7.1e-46", "1.4e-45",
              "1.17549435e-38", "2.2250738585072014e-308", "4.9e-324", "2e-324", "1.7976931348623157e308",
              "1.7976931348623159e308", "9007199254740993", "0.1", "0.30000000000000004", "1e22", "1e23",
              ".5", "5.", "+1.5", "1E5", "1e+05", "123456789012345678901234567890"]
    for text in texts:
        print(f"{text} {float32_bits(text):08x} {float64_bits(text):016x}")

if __name__ == "__main__":
    main()
