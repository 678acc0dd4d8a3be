/*
 * bcryptprimitives.c: a stand-in bcryptprimitives.dll for running Go-built
 * Windows programs under Wine 8 (test harness only; never shipped).
 *
 * Since Go 1.22 the Windows runtime gets its random bytes from ProcessPrng in
 * bcryptprimitives.dll (https://go.dev/doc/go1.22#runtime, and
 * https://learn.microsoft.com/en-us/windows/win32/seccng/processprng), which
 * Wine 8 does not provide, so every Go 1.22+ exe aborts at start. This DLL
 * exports ProcessPrng on top of RtlGenRandom (advapi32's SystemFunction036,
 * https://learn.microsoft.com/en-us/windows/win32/api/ntsecapi/nf-ntsecapi-rtlgenrandom),
 * which Wine does implement. .ci/wine-setup.sh builds it with mingw-w64 into a
 * scratch WINEPREFIX's system32.
 */
#include <windows.h>

/* SystemFunction036 is RtlGenRandom's exported name. Its length is a ULONG, so
 * large requests are served in chunks. */
BOOLEAN WINAPI SystemFunction036(PVOID buf, ULONG len);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (!SystemFunction036(data, n))
            return FALSE; /* Windows documents ProcessPrng as never failing; Go aborts on FALSE. */
        data += n;
        len -= n;
    }
    return TRUE;
}
