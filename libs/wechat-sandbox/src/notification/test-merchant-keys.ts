/**
 * TEST-ONLY key material for the WeChat Pay notification sandbox.
 *
 * Every key below was generated once with the openssl CLI for this repository and is public.
 * Never configure a production service with any of it: anyone can forge notifications signed
 * with these keys.
 */

/** A merchant identity for tests. */
export interface TestMerchant {
  /** Merchant id (mchid). */
  readonly mchId: string;
  /** Mini program appid the test orders are placed with. */
  readonly appId: string;
  /** APIv3 key: 32 ASCII characters. TEST ONLY. */
  readonly apiV3Key: string;
}

/** A signer for `buildWechatPayNotification` (PEM private key and announced serial). */
export interface TestSigner {
  readonly privateKey: string;
  readonly serial: string;
}

/** A test merchant (direct mode). TEST ONLY: the APIv3 key is public. */
export const TEST_MERCHANT: TestMerchant = Object.freeze({
  /** Merchant id (mchid). */
  mchId: '1900000001',
  /** Mini program appid the test orders are placed with. */
  appId: 'wx8888888888888888',
  /** APIv3 key: 32 ASCII characters, used as the AES-256-GCM key as-is. TEST ONLY. */
  apiV3Key: 'SandboxApiV3Key0123456789abcdefX',
});

/** Private key (PKCS#8 PEM) of the test WeChat Pay public key. TEST ONLY. */
const PUBLIC_KEY_MODE_PRIVATE_KEY = `-----BEGIN PRIVATE KEY-----
MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQC4ng+mDXHWXszt
atyODqyuEFdJnmybi6kHnu6k5UFiGMBdZfSyaz0w7yf3Xcs3eHh+KGpliNHFIlh0
9t+y3sgXp13RjsMAOSIiR5EF3P1Wj+myzQeahgnKlejpM2jKgia7cKRlafsYAL1Q
V7DNRnVuOgWke+22Zn//+9qeJ0VDlx9/4v36OAohqnK9qgQYM907eQMAHrjQ/6ok
RdYNdOwv1WvUC0f/e0HjbASvbvFPr24JLDOQKcwgqt1fu2SEb7ecgfEOWTfXbd9J
NWZ06+Wn/itkczyiQnhfJ0ohdHXp/q1Sv5cw8ZZ89wJ2zAuAVP2DXBYJ6IbrjVEB
Hk//0bdJAgMBAAECggEAJZQm40oBTf1mAT2rP09FXvj8i4Ov38mB0odLVE1GDc2z
+k7yjA7AGeHUZMm2v8fJ3wQjBB/hcxsWnlhSGHq4h/gNZMaGctkuVYPzxRnCh4gr
rbWGQrHd9FqnWjCYt//eGnFHRU1ZSv17i4sN9frNlG5DD8QaEvKyQ0zkpySfOK6F
BpeD/nXjCuK1WC2QvSk5mKYHbojbNsAxfGILQzrO3M7JPxKhYOh99PBTeP6N8pvc
R7h0YXZKIt2a1gQeUveNUEpr39UoFTIy+lWPpKM7jsVsTFiIHUj1Unrvz+NyT8fE
CXtCIHdKRSvtwppHu/mBwacZkZIwS1ZilnL3x0oCcQKBgQD23lhuUD1m6jbgfnOK
hCXyPbSA1PqndCocoUu6xHx+qDjRL+fQXdT3ozbnAypnp03UEdHhbTjsXsIKR66R
8rXt2syecjXcZl+PMGv+3D+fkbGulwV+MpN7gmx2YudbO0QKrJNz8e1MXUwhKGTX
kXouJKcijJsPXExYFnCkfhU4QwKBgQC/cj7mwCCHagD2NkCqp0iqF31s+LP2WZ8f
zuc64uocK3dV07utS/Kc5UcloXtxTU6pojXHxnf7cjxipTwZ5flXYodqhCswQaZz
eUQII7W2Moc6XqVPexm2jzISGOnxjZrcCvlUObFpR7HiyvyJP6kwVgQvHtBPTqVW
7wYiIw4PgwKBgQCZ0sm/UvgvnFk9YQ2VjeonGxPSAuN8XAGxfT+2zJ/WO/PLRNJp
H06IT4byQyK1G6Z/MetZT7lcb17xEOFRx65c2y0MvZWaE6APlNh2Ib7zKtFQPIIL
tG/5UbdLvSzzx+YJ0KbAZEq8fpXlQ0oymE9NWUFbYclstNJNQQ5HMNkACQKBgQCn
8ryVx9SBlw/y7tM6InjPpr3EnEWcBzFeQS9+7FP+lG8jHxVUyPy0gTsyGwDk+7HX
hNLzR/w33RZ2X4hjG+nqrCgp3Hra4az5PlfdYB5oENmq7h7NpCuBiQue7rZEzzoc
cZAbQGWP+3JliDeU3AE7wyn2gGy0NkU8B4J07hXGqwKBgH7tOARA0kosrC5xVnUp
ZQJRrxLBj7pjajrZMiWpxHqAlL+iXFsykOz4pOOO0Z9mtIWlVGOiYDiUj3PR6wN3
fThyphtLyyFBmhCNF5KTgK9rhncqeGpepbLfS/hfmlI04EEa32WrhmBSmOD60VI+
9ckNpvUO388GAGUYBn4OdPl4
-----END PRIVATE KEY-----
`;

/** Public key (SPKI PEM) of the test WeChat Pay public key. TEST ONLY. */
const PUBLIC_KEY_MODE_PUBLIC_KEY = `-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAuJ4Ppg1x1l7M7Wrcjg6s
rhBXSZ5sm4upB57upOVBYhjAXWX0sms9MO8n913LN3h4fihqZYjRxSJYdPbfst7I
F6dd0Y7DADkiIkeRBdz9Vo/pss0HmoYJypXo6TNoyoImu3CkZWn7GAC9UFewzUZ1
bjoFpHvttmZ///vanidFQ5cff+L9+jgKIapyvaoEGDPdO3kDAB640P+qJEXWDXTs
L9Vr1AtH/3tB42wEr27xT69uCSwzkCnMIKrdX7tkhG+3nIHxDlk3123fSTVmdOvl
p/4rZHM8okJ4XydKIXR16f6tUr+XMPGWfPcCdswLgFT9g1wWCeiG641RAR5P/9G3
SQIDAQAB
-----END PUBLIC KEY-----
`;

const PLATFORM_CERTIFICATE_1 = `-----BEGIN CERTIFICATE-----
MIID3zCCAsegAwIBAgIUPB1fDip7nE1ujwEjRWeJCrze8BIwDQYJKoZIhvcNAQEL
BQAwfjELMAkGA1UEBhMCQ04xIDAeBgNVBAoMF1Rlc3QgV2VDaGF0IFBheSBTYW5k
Ym94MSQwIgYDVQQLDBtUZXN0IFBsYXRmb3JtIENlcnRpZmljYXRlIDExJzAlBgNV
BAMMHlRlbnBheS5jb20gUm9vdCBDQSAoVEVTVCBPTkxZKTAgFw0yNjExMjcxMzE3
MDdaGA8yMTI2MTEwMzEzMTcwN1owfjELMAkGA1UEBhMCQ04xIDAeBgNVBAoMF1Rl
c3QgV2VDaGF0IFBheSBTYW5kYm94MSQwIgYDVQQLDBtUZXN0IFBsYXRmb3JtIENl
cnRpZmljYXRlIDExJzAlBgNVBAMMHlRlbnBheS5jb20gUm9vdCBDQSAoVEVTVCBP
TkxZKTCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAOjOgeS2vPNj1UcO
7ngc/c7mnt60tbU6atZTVQYUS87Cbwek1Bg0bJZSo2k5xtdcP+NCWD/5Vnfy3Oc3
jvkUcUyUwo9VHq9vXPUZAelrEmTVNxhBuU/MryUsZEhyCkCelnbN4jRgj2zMdy1k
OvXNQTCBr20ad+Gu+PFlkGo5NZ/mmqH+Id9HcZR6fjwGUrSPTXQzBdkhUIiS2eL/
N8GSrHhQND2nrrsw+1Yg+7Ynaqx5NK/6g3wH+31pnccavKrrcCfAsoQJmjnEv/zP
zIjNMOmSUwQy3vDkc6g+qjg6H5M69qyEg4dy2vIE8j4uIxy9m1aDIwtKCriuSRza
bWfG3NsCAwEAAaNTMFEwHQYDVR0OBBYEFI0+4zFmo7Z4+cOqspWRhOZXlXo3MB8G
A1UdIwQYMBaAFI0+4zFmo7Z4+cOqspWRhOZXlXo3MA8GA1UdEwEB/wQFMAMBAf8w
DQYJKoZIhvcNAQELBQADggEBACmSPuY1i58g4MngQFooIuZJmcCSAxzgGVZdgmJm
l06/gKeDmWyFpAxijD8PV8BlWU+Z3j/qbFE+of8sZGD44Q3+eHsZHa/w+JIFRTKH
FT/wuPlF0mdzYTm5M6g6BZMyNMs+O50b0aYZEWmO1TW5ruKoniZntLMJGdOE+f2U
Z83+KJiXRYHijCk3gAN3X4PKmWcdXFXRCRrYgF0lBlpwaWaBXnnihvZ9rbk4pgMC
nkPOlxG3sdklgMy6cyiBHKw1AudtNGY7zqRILaIQWPnNCXckXmDFp+naJ/GdrZos
Xfl1EOGX8gd6WYucGpG6x4UawscyWXeAcmZe4XhfEjslhTc=
-----END CERTIFICATE-----
`;

const PLATFORM_CERTIFICATE_1_PRIVATE_KEY = `-----BEGIN PRIVATE KEY-----
MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDozoHktrzzY9VH
Du54HP3O5p7etLW1OmrWU1UGFEvOwm8HpNQYNGyWUqNpOcbXXD/jQlg/+VZ38tzn
N475FHFMlMKPVR6vb1z1GQHpaxJk1TcYQblPzK8lLGRIcgpAnpZ2zeI0YI9szHct
ZDr1zUEwga9tGnfhrvjxZZBqOTWf5pqh/iHfR3GUen48BlK0j010MwXZIVCIktni
/zfBkqx4UDQ9p667MPtWIPu2J2qseTSv+oN8B/t9aZ3HGryq63AnwLKECZo5xL/8
z8yIzTDpklMEMt7w5HOoPqo4Oh+TOvashIOHctryBPI+LiMcvZtWgyMLSgq4rkkc
2m1nxtzbAgMBAAECggEAODL1t00HsueEKkmn9nXlLSeN7WwJO0z1UnS+Xx/SJwDX
xawcCRXKqsUbLoEkh4N85rLy08qwfXcyrVxDlsxBB4AXsXsWU7pZ4c7eH8dZot63
lJL1FZbvJtWfBcAFypCd+OL9erBenyCCmoIKG6EnXfrIatmLW/8dmERwxru1vrn5
9l66Pmr6aGsYciG0rGglFWIhQ9aRQbovgaLEfT/e5D85pVzMsbQ7FdSksDWo3O9s
1oBmczl1KZBsX7xYFjVrcKV3RiX1FIu6H4ox85jpmvwoCS5j9drl8ajq1LlvqhFI
GrX3H7sDdHU4ImQRpogGje61DjfcB5/NiNUDYcDjYQKBgQD2PkudWa5RwxRfSsiw
Zkvz5w3mVfBLwHJs+KkjXmZu6tECDmcAr9ubjgO6uYjPzFD4iV0U0H/OdxBfKgXb
gW3Ypl7paRi20zzTTfa0Wv4rnN5yq57bseLXUCKlSX6fM709pNqJdud7hOJsov9Z
6b6vTfcyXa402MDB7w3dnInV4QKBgQDyB+uxetusdiKOm4IuoVNrEUF2cLDLbfrx
+qJ8oOpth3FtYiDXfkOaJcLfH4zDf3GMkPCjd+f/JlihdLilzJvEmi6EAhtN8qJB
27js+kO8HsqYStEk7Iwm9l37w281EnnYMhlTG8Ob0wkGweCrPMp1x4Zl7keVD1F0
XZ1fdJDSOwKBgQCRSbg7owpjW4LNpsY6rmDqC837tYEOcQISobTKFYzCrPGdEPpd
QWWFpok0xvud/6NWwVWWTl7aZw3V2GmUVg2F4sPlXAkk9gXRdxK032tQOEJXzkLw
xUheWf3XIEIBlPl3QalfqjRygLlH9/RKDMxhitLreLKso6c3xeCcfRwmgQKBgBJU
HTo0hpw52gYYqrQjTXDnPqDcidbt/joC8/kiKn6e6i0RaFFJY48x2t8QwZUweoXd
mAuZEf2VhtK7RxxvMUCjOHCQxEaT4EvCeu+fSC/f2RHNYKc+LqLot1dQhoRrYMTJ
jndnu9l6Es3rMrtlACQJNxlTASK9pTp9uGQ5LJpvAoGAepp7o9uWGdJHAAPjzcGF
HldbdtZAnw4hqauiSmnrnOcDfnEmRyMWStZX4bMGmvDaA744S9vWbyrDlCX6408u
D46bWFBI3awe7Td9KiiVoWU2fV7BuXWH7udnFvBSl8XS8VS4sFj2/fWNlW09xCQx
mL8X6d93eIfO793UgyxTp8s=
-----END PRIVATE KEY-----
`;

const PLATFORM_CERTIFICATE_2 = `-----BEGIN CERTIFICATE-----
MIID3zCCAsegAwIBAgIUaiuOTB89W3qcDi9Ka40MHj9ae50wDQYJKoZIhvcNAQEL
BQAwfjELMAkGA1UEBhMCQ04xIDAeBgNVBAoMF1Rlc3QgV2VDaGF0IFBheSBTYW5k
Ym94MSQwIgYDVQQLDBtUZXN0IFBsYXRmb3JtIENlcnRpZmljYXRlIDIxJzAlBgNV
BAMMHlRlbnBheS5jb20gUm9vdCBDQSAoVEVTVCBPTkxZKTAgFw0yNjExMjcxMzE3
MDdaGA8yMTI2MTEwMzEzMTcwN1owfjELMAkGA1UEBhMCQ04xIDAeBgNVBAoMF1Rl
c3QgV2VDaGF0IFBheSBTYW5kYm94MSQwIgYDVQQLDBtUZXN0IFBsYXRmb3JtIENl
cnRpZmljYXRlIDIxJzAlBgNVBAMMHlRlbnBheS5jb20gUm9vdCBDQSAoVEVTVCBP
TkxZKTCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBALpo+rNeO5FzQWUl
RHknxKmFY6hbNFvEAA2/DRnTG2UBv9uwcuDbshPwmJHUSZlP4IfXQRJ9P7fjDdVn
D3fdOBrkoJVz8tumCQz+kUONs46EeHclSYaFk4dyKvrLtJAI7QfVRgfC+WevBRSE
SdmsUBCwH3yWc3PlqFk1EfpMwR8wR17UFQ72A1x7HLOM885VLDshIq8h+8PlPwFl
Ai8uZAwXAs83Kjnz7XcJpQN81Foj0b09JvlcTdxlZQv1uD3DfrTpWd4VZBPESgC5
nVtNsgNDzwfC3Unqt0Go/SvExs5YrccurZrdtmjY+J1lcyL++/O2SAQ7qIJMhjA0
lKUbBPUCAwEAAaNTMFEwHQYDVR0OBBYEFBLfzDPrWvPYFazMLYXGzLZB2K23MB8G
A1UdIwQYMBaAFBLfzDPrWvPYFazMLYXGzLZB2K23MA8GA1UdEwEB/wQFMAMBAf8w
DQYJKoZIhvcNAQELBQADggEBAGyihqkjjj5JLpfHY/Zt9IWF1Q/LCzBZTRZ9b0Sp
+fvgJQpeDs2eht5DF8Dhm3jVOnuCRhVNEOFu2MzJbdESRxI2HUOEEQoroqhaN67J
kHC4WU5GiLTMe51GHlFwEhrPsIXd/4RhU9sU6uo4Yfc0TRpBKrZRnomI+oy48B3h
0qvjDj132aQSl1LeVaqP9n9Y3EqkFOIa4p6gHdpkUDXaFKkfoa/JXpzW0T4FkHm4
/azny2No7gpu1SocEyLR8fRLPvH8ENPEC2ILa7eSk1MtBZZgAyWgNPiP/pg0LSv6
X2NEEm4XgnAsJoRqTahdoNFRQTBSWZUpnYJa2mYYLy+hpi0=
-----END CERTIFICATE-----
`;

const PLATFORM_CERTIFICATE_2_PRIVATE_KEY = `-----BEGIN PRIVATE KEY-----
MIIEvAIBADANBgkqhkiG9w0BAQEFAASCBKYwggSiAgEAAoIBAQC6aPqzXjuRc0Fl
JUR5J8SphWOoWzRbxAANvw0Z0xtlAb/bsHLg27IT8JiR1EmZT+CH10ESfT+34w3V
Zw933Tga5KCVc/LbpgkM/pFDjbOOhHh3JUmGhZOHcir6y7SQCO0H1UYHwvlnrwUU
hEnZrFAQsB98lnNz5ahZNRH6TMEfMEde1BUO9gNcexyzjPPOVSw7ISKvIfvD5T8B
ZQIvLmQMFwLPNyo58+13CaUDfNRaI9G9PSb5XE3cZWUL9bg9w3606VneFWQTxEoA
uZ1bTbIDQ88Hwt1J6rdBqP0rxMbOWK3HLq2a3bZo2PidZXMi/vvztkgEO6iCTIYw
NJSlGwT1AgMBAAECggEACeTSBOyoDTrYj6GC05+2erKQ0kn69Vw/DiZj2okfpQS1
gJfKKnXxVZ5uvp4Nmk9IxnT4kskRNXWd5u54KJ9rdP6e/lJf42QZ4Asaky26yBeZ
sZCJ/pOUO7tlyBdr7zwmC9p4Q9Jc/Jw9EQnKG1KfvO8C0NDxx5w6y0ymNl/WB+K9
EVFlMtAiNfXQLJKErKqKiYg3sSrCZnJkQI3bC+4rWKXU8tCfMaYXz1wTxHSrN5ox
FqCYMDPeigY5n5xTXudvfTyTy3MX1A+ODOZhiyxH7V+itEdQzYZ57jno86D4GMcp
ja5FKaEjTg97427qH6Gv3MM0O0iXkSeabFjpTtStMQKBgQDvjOoUL9vRhDqpyfRE
uN7xlw049gmNMGfUL1VxSJtH2HaEy/0Ga9OGcfeBUGsCn62IPaiR6AukdFwXiquc
DNo3IKvp9FqM5OJgLfpeUvAWJAOEOhH899bUZWj1m/ZoNpsYALxUhRYeWpjnjoMy
rawsECIbWIsB7WUBpJ/eJpI+UQKBgQDHNedwRoMMw3Pp66+XVEXkSDXZXleN9+Wz
kAfOcXqKBw0PBiwDyHBCBDO+0g1ovCfFGVQvvWqvVri/FT2yvA9hQGuz4KlC2yZ5
CJHXWW7dthsgU3ttQft9+y24tliRSF2odKzhk9ptYrlh3gYh049Ci0nd5gjXw0z6
Mwgelcq/ZQKBgGUu3ki8llr/QVAqb7T/aZweM4WV1x7+DT1A6RQ6mOxV8GnTSAMI
VIZ7aRIEB89J5yCe+q72lsRWKff/qND3VMzoTfU6M21D2KLLiO+ClMqlV57ocGSr
wuBgHV9xCzmlpwkSdno05MzZc7CLL7ueRBUwk1d9pOmhfoKdKLHLFQahAoGAXqPW
OvnUwpiMlgIZXnxz49sGcikm0VSHNQJlIwe4XqCw7IVTHcz4v/Q9HRevtSVGg5Xf
7/o+F+TMSkNuF17Os7YmNMOzxgZVRcTzfGqJiB0+z+G5TpO9RgGxnAJNG2BU1nXv
uA9FAxiW187h/OoEMmn4AsqJQvAOvwLFhbpGIx0CgYAS6mh+rRxS/tqfnZCxkA+D
l7akNL3gjhu57Dl5QUBfVc4C1kd+hI5YI/45cwVBICt6IhrdmKBUdVp/yTOh4moY
aOIDJHa/suFwOGkhJe3dJfAkRuDB8Qt2iojJRYlszeeCA0tmgfEWC9/guOANU6sh
v581oHAWuxqsLsjXZGahmQ==
-----END PRIVATE KEY-----
`;

const ATTACKER_PRIVATE_KEY = `-----BEGIN PRIVATE KEY-----
MIIEvAIBADANBgkqhkiG9w0BAQEFAASCBKYwggSiAgEAAoIBAQC6FA/uU2EfVOmU
YOXinpS2PBl1BVgdOmj4hnnDm9gdJsYCOou4+npd0Ricx68MNdA9GHk4Mpt61f5u
uiJv+0hZnz0kHMtykCkskixAdCCA3xscEA8s8UMZKFKebZKsO9bKisAoz0zxVq4M
vJms590kdWbDGn2PZxyLb2Nz6eZyLRAQYqurixMnLxqgKZUwsKVcQZTo+VkkXCEV
N7w31Twc8ACI8rIsJlRTAAA3ew4KGlhCi3SwBagiMtbH8Uk4wJ3ltUjLPSpcR9+D
56XvMTuXyp2/l2avbqDOA2/lzRwtjEQgpWU1fWZHh9Rvx4bDrcSRyZcDlgELE4LR
7nvqlTBrAgMBAAECggEAP0DuoW9KhqIQvNWrj7ukhcYsSTFF4LmoUUM1RR9G+bHi
gYNxV7IdwqJ/oVvnz1jDruEQ49+gJsNzuCQh7LsYvw54dDwtlIYY2QPfcxGGswgk
aQe0gOyKiJTCcQSCZXX57+P2qmi9mRSEGeRKwRIYhHo8Mnpg0EyW0XdN8WtDYPAH
rPuT5WSUFnl+xu0vCUK6ks3+TYFnZsofVfcx+8K15Qz4OyUHfN6462IpL3kIGapX
Dqg7RnFEddeTFS2R2NlNPppnbb0E25uvC6sBChoAjLkK/lFMGWx1PclnF6Xue91D
wp65DFIuLTIqeyuXVfPp1Uhv4D8kPfd33WRqGBKcwQKBgQDtOf8cbMfEsEIRKiZx
TUQ56PalTA4kOZ+ZNmGOZ4hv5YtB+gQOmsJ1X4vPYZ7Mgj0z/TIvlgW50kyYbAAZ
BK3UnQ7o2Ir7T4he551hsOtyW84J42sci6nvPyWxoJQ/28UOit2H9D/7ONxRxE8t
pJKyZcez5SeNp4GpPOKrh4dH+wKBgQDIzdkanysT3ttTgVHsirboRc3gYaaYFVnj
o0iKH2WrJcd2L4qFTSc5Fh8sMnoC8R4mfRyqlW53KLbSCOwql0ZbhXcTqwgzIilO
MdvCbSrjp9jpi6O/NA5vqjsQd0/RhSWCk8CylnG4YIGMZiGy8Q7NBwCzpwyzivb5
W1t6A4geUQKBgFN5hfhlmsHuV8EceNyDmM9b13aA1bUPhcZu6VMnwU3GkwMLS+Qr
tuOAVH0L18oUxh6GKOOvwaIKiyNTVZF4IQbgoT9z+yvFZ7IlhC69B4x9G3pFSQqJ
ZqmmKchgPepele+xE5TkcKMg9f3buxTPhUM7J1N4/jsNR0XbA9Ph48uDAoGAKSPb
bhPcLIcFInelRDQrQy1B/82h5xjAwN2sN/g0yTrFQdZ9p8/l0FFS86gnzUB/L92E
KQLSjgE+a4u+bv9tP8T5X4Mz+93s3oNihdP97IRv8XFVjA/rQT98OGRpawC/baA9
45jlFaRYBl7KWrH+mUzs/OGlvYckEHSCKl5c3fECgYAItVhtwpo86mIQzIKDBA1P
q6OhnbH8v64rgjVezCIL10RnhHjAcMlm/GfiCSgEmq36GqD+0Q5bDmXpfIPzlPhw
HI2/oBj85E33C97jqVym346eCVhioNf1tUO/jAn5VJNB9MHEBnQDO0uS0452cEEx
qAdfedss84VbBx+z/qtSGw==
-----END PRIVATE KEY-----
`;

const ATTACKER_PUBLIC_KEY = `-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAuhQP7lNhH1TplGDl4p6U
tjwZdQVYHTpo+IZ5w5vYHSbGAjqLuPp6XdEYnMevDDXQPRh5ODKbetX+broib/tI
WZ89JBzLcpApLJIsQHQggN8bHBAPLPFDGShSnm2SrDvWyorAKM9M8VauDLyZrOfd
JHVmwxp9j2cci29jc+nmci0QEGKrq4sTJy8aoCmVMLClXEGU6PlZJFwhFTe8N9U8
HPAAiPKyLCZUUwAAN3sOChpYQot0sAWoIjLWx/FJOMCd5bVIyz0qXEffg+el7zE7
l8qdv5dmr26gzgNv5c0cLYxEIKVlNX1mR4fUb8eGw63EkcmXA5YBCxOC0e576pUw
awIDAQAB
-----END PUBLIC KEY-----
`;

/** Id of the test WeChat Pay public key (what WeChat sends in `Wechatpay-Serial`). */
const PUBLIC_KEY_ID = 'PUB_KEY_ID_0114232134912410000000000000';

/** A WeChat Pay public key pair with its id. TEST ONLY. */
export interface TestWechatPayPublicKey {
  /** `PUB_KEY_ID_...` id, sent as `Wechatpay-Serial`. */
  readonly id: string;
  /** Public key, SPKI PEM. */
  readonly publicKeyPem: string;
  /** Private key, PKCS#8 PEM. TEST ONLY. */
  readonly privateKeyPem: string;
  /** Ready-made `signer` for `buildWechatPayNotification`. */
  readonly signer: TestSigner;
}

/**
 * TEST ONLY: a WeChat Pay public key (微信支付公钥) pair with its id.
 * Configure the verifier with `{ id, pem: publicKeyPem }`; sign notifications with `signer`.
 */
export const TEST_WECHATPAY_PUBLIC_KEY: TestWechatPayPublicKey = Object.freeze({
  /** `PUB_KEY_ID_...` id, sent as `Wechatpay-Serial`. */
  id: PUBLIC_KEY_ID,
  /** Public key, SPKI PEM. */
  publicKeyPem: PUBLIC_KEY_MODE_PUBLIC_KEY,
  /** Private key, PKCS#8 PEM. TEST ONLY. */
  privateKeyPem: PUBLIC_KEY_MODE_PRIVATE_KEY,
  /** Ready-made `signer` for `buildWechatPayNotification`. */
  signer: Object.freeze({ privateKey: PUBLIC_KEY_MODE_PRIVATE_KEY, serial: PUBLIC_KEY_ID }),
});

/** A test platform certificate (平台证书) with the private key that signs for it. TEST ONLY. */
export interface TestPlatformCertificate {
  /** Certificate serial number, upper-case hex, as sent in `Wechatpay-Serial`. */
  readonly serial: string;
  /** Self-signed RSA-2048 X.509 certificate, PEM. */
  readonly certificatePem: string;
  /** Private key of the certificate, PKCS#8 PEM. TEST ONLY. */
  readonly privateKeyPem: string;
  /** Ready-made `signer` for `buildWechatPayNotification`. */
  readonly signer: TestSigner;
}

function platformCertificate(
  serial: string,
  certificatePem: string,
  privateKeyPem: string,
): TestPlatformCertificate {
  return Object.freeze({
    serial,
    certificatePem,
    privateKeyPem,
    signer: Object.freeze({ privateKey: privateKeyPem, serial }),
  });
}

/**
 * TEST ONLY: two self-signed platform certificates (distinct serials, valid for 100 years),
 * e.g. to test a certificate rotation where both are configured at once.
 */
export const TEST_PLATFORM_CERTIFICATES: readonly [
  TestPlatformCertificate,
  TestPlatformCertificate,
] = Object.freeze([
  platformCertificate(
    '3C1D5F0E2A7B9C4D6E8F01234567890ABCDEF012',
    PLATFORM_CERTIFICATE_1,
    PLATFORM_CERTIFICATE_1_PRIVATE_KEY,
  ),
  platformCertificate(
    '6A2B8E4C1F3D5B7A9C0E2F4A6B8D0C1E3F5A7B9D',
    PLATFORM_CERTIFICATE_2,
    PLATFORM_CERTIFICATE_2_PRIVATE_KEY,
  ),
] as const);

/** TEST ONLY: both test platform certificates concatenated into one PEM text. */
export const TEST_PLATFORM_CERTIFICATES_PEM = `${PLATFORM_CERTIFICATE_1}${PLATFORM_CERTIFICATE_2}`;

/** An RSA key pair. TEST ONLY. */
export interface TestKeyPair {
  /** Private key, PKCS#8 PEM. */
  readonly privateKeyPem: string;
  /** Public key, SPKI PEM. */
  readonly publicKeyPem: string;
}

/**
 * TEST ONLY: an RSA-2048 key pair that no verifier trusts, to forge notifications
 * (e.g. sign with it while sending a trusted `Wechatpay-Serial`).
 */
export const TEST_ATTACKER_KEY: TestKeyPair = Object.freeze({
  /** Private key, PKCS#8 PEM. */
  privateKeyPem: ATTACKER_PRIVATE_KEY,
  /** Public key, SPKI PEM. */
  publicKeyPem: ATTACKER_PUBLIC_KEY,
});
