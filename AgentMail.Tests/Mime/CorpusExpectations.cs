namespace AgentMail.Tests.Mime;

/// <summary>
/// The structure of every corpus message as derived from RFC 2045/2046/5322 and RFC 9051:
/// "part kind type header/body/end lines decoded" per entity (see StructureDump). Offsets
/// are into the file itself (for mbox files, into each message after its From_ line).
/// Derivation rules applied: the CRLF (or bare LF) before a delimiter belongs to the delimiter;
/// a header without a blank line ends at a boundary or at the first non-field line; parts
/// without Content-Type are text/plain (message/rfc822 in multipart/digest); an invalid
/// Content-Type (no subtype, or multipart without boundary) is text/plain; line counts are LFs
/// plus one for a final unterminated line.
/// </summary>
internal static class CorpusExpectations
{
    public static readonly Dictionary<string, (long Size, string Structure)> Structures = new()
    {
        ["body.1.txt"] = (244, """
1 L text/plain 0/222/244 lines=1 dec=22
"""),
        ["body.2.txt"] = (262, """
1 L text/html 0/221/262 lines=1 dec=41
"""),
        ["body.3.txt"] = (437, """
- M multipart/alternative 0/262/437 lines=9 dec=175
1 L text/html 281/306/347 lines=1 dec=41
2 L text/plain 367/393/415 lines=1 dec=22
"""),
        ["body.4.txt"] = (570, """
- M multipart/related 0/254/570 lines=13 dec=316
1 L text/html 269/294/335 lines=1 dec=41
2 L image/gif 351/444/444 lines=0 dec=0
3 L image/jpeg 459/553/553 lines=0 dec=0
"""),
        ["body.5.txt"] = (744, """
- M multipart/alternative 0/262/744 lines=21 dec=482
1 M multipart/related 281/339/654 lines=13 dec=315
1.1 L text/html 354/379/420 lines=1 dec=41
1.2 L image/gif 436/529/529 lines=0 dec=0
1.3 L image/jpeg 544/638/638 lines=0 dec=0
2 L text/plain 674/700/722 lines=1 dec=22
"""),
        ["body.6.txt"] = (973, """
- M multipart/mixed 0/250/973 lines=30 dec=723
1 M multipart/alternative 263/329/810 lines=21 dec=481
1.1 M multipart/related 348/406/721 lines=13 dec=315
1.1.1 L text/html 421/446/487 lines=1 dec=41
1.1.2 L image/gif 503/596/596 lines=0 dec=0
1.1.3 L image/jpeg 611/705/705 lines=0 dec=0
1.2 L text/plain 741/767/789 lines=1 dec=22
2 L text/plain 824/928/957 lines=1 dec=29
"""),
        ["body.7.txt"] = (973, """
- M multipart/mixed 0/250/973 lines=30 dec=723
1 M multipart/related 263/321/810 lines=21 dec=489
1.1 M multipart/alternative 336/402/576 lines=9 dec=174
1.1.1 L text/html 421/446/487 lines=1 dec=41
1.1.2 L text/plain 507/533/555 lines=1 dec=22
1.2 L image/gif 592/685/685 lines=0 dec=0
1.3 L image/jpeg 700/794/794 lines=0 dec=0
2 L text/plain 824/928/957 lines=1 dec=29
"""),
        ["body.8.txt"] = (564, """
- M multipart/mixed 0/250/564 lines=13 dec=314
1 L text/plain 263/289/311 lines=1 dec=22
2 L text/html 325/350/413 lines=1 dec=63
3 L application/octet-stream 427/549/549 lines=0 dec=0
"""),
        ["body.9.txt"] = (564, """
- M multipart/mixed 0/250/564 lines=13 dec=314
1 L text/html 263/288/329 lines=1 dec=41
2 L text/plain 343/369/413 lines=1 dec=44
3 L application/octet-stream 427/549/549 lines=0 dec=0
"""),
        ["bounce.txt"] = (27797, """
- M multipart/report 0/6834/27797 lines=329 dec=20963
1 L text/plain 6875/7008/8852 lines=24 dec=1365
2 L message/delivery-status 8894/8990/9924 lines=19 dec=934
3 R message/rfc822 9966/10059/27754 lines=266 dec=17695
3 M multipart/alternative 10059/10998/27754 lines=246 dec=16756
3.1 L text/plain 11027/11123/16487 lines=88 dec=3957
3.2 L text/html 16517/16613/27722 lines=145 dec=8221
"""),
        ["delivery-status-multiple-blank-lines.txt"] = (584, """
- M multipart/report 0/264/584 lines=14 dec=320
1 L text/plain 287/313/370 lines=1 dec=57
2 L message/delivery-status 394/433/584 lines=6 dec=151
"""),
        ["delivery-status-no-blank-line.txt"] = (2392, """
- M multipart/report 0/1128/2392 lines=35 dec=1264
1 L message/delivery-status 1265/1304/1493 lines=7 dec=189
2 R message/rfc822 1518/1548/2365 lines=16 dec=817
2.1 L text/plain 1548/2354/2365 lines=1 dec=11
"""),
        ["delivery-status.anonymized.eml"] = (2391, """
- M multipart/report 0/1128/2391 lines=34 dec=1263
1 L message/delivery-status 1265/1304/1492 lines=6 dec=188
2 R message/rfc822 1517/1547/2364 lines=16 dec=817
2.1 L text/plain 1547/2353/2364 lines=1 dec=11
"""),
        ["delivery-status.txt"] = (2391, """
- M multipart/report 0/1128/2391 lines=34 dec=1263
1 L message/delivery-status 1265/1304/1492 lines=6 dec=188
2 R message/rfc822 1517/1547/2364 lines=16 dec=817
2.1 L text/plain 1547/2353/2364 lines=1 dec=11
"""),
        ["delivery-status2.txt"] = (1373, """
- M multipart/report 0/209/1373 lines=52 dec=1164
1 L text/plain 241/285/532 lines=7 dec=247
2 L message/delivery-status 565/604/721 lines=5 dec=117
3 R message/rfc822 754/784/1338 lines=27 dec=554
3 M multipart/alternative 784/927/1338 lines=22 dec=411
3.1 L text/plain 956/1029/1036 lines=2 dec=7
3.2 L text/html 1066/1190/1306 lines=8 dec=116
"""),
        ["disposition-notification.anonymized.eml"] = (1396, """
- M multipart/report 0/345/1396 lines=34 dec=1051
1 L text/plain 378/379/605 lines=4 dec=226
2 L message/disposition-notification 639/687/951 lines=5 dec=264
3 R message/rfc822 985/1015/1360 lines=13 dec=345
3.1 L text/plain 1015/1269/1360 lines=5 dec=91
"""),
        ["disposition-notification.txt"] = (1396, """
- M multipart/report 0/345/1396 lines=34 dec=1051
1 L text/plain 378/379/605 lines=4 dec=226
2 L message/disposition-notification 639/687/951 lines=5 dec=264
3 R message/rfc822 985/1015/1360 lines=13 dec=345
3.1 L text/plain 1015/1269/1360 lines=5 dec=91
"""),
        ["empty-multipart.txt"] = (693, """
- M multipart/mixed 0/354/693 lines=12 dec=339
1 M multipart/alternative 399/491/491 lines=0 dec=0
2 L text/plain 536/562/646 lines=1 dec=84
"""),
        ["epilogue.txt"] = (1138, """
- M multipart/mixed 0/713/1138 lines=18 dec=425
1 L text/plain 757/783/869 lines=3 dec=86
2 L application/postscript 913/985/985 lines=0 dec=0
"""),
        ["feedback-report.txt"] = (1626, """
- M multipart/report 0/240/1626 lines=45 dec=1386
1 L text/plain 270/348/539 lines=3 dec=191
2 L message/feedback-report 570/609/1071 lines=13 dec=462
3 R message/rfc822 1102/1160/1593 lines=15 dec=433
3.1 L text/plain 1160/1534/1593 lines=4 dec=59
"""),
        ["issue1130.txt"] = (545, """
1 L text/plain 0/327/545 lines=8 dec=208
"""),
        ["issue1189.mbox.txt#0"] = (530, """
- M multipart/alternative 0/288/530 lines=12 dec=242
1 L text/plain 319/362/381 lines=1 dec=19
2 L text/html 413/455/495 lines=1 dec=40
"""),
        ["issue1189.mbox.txt#1"] = (5858, """
- M multipart/mixed 0/282/5858 lines=22 dec=5576
1 M multipart/alternative 313/391/631 lines=11 dec=240
1.1 L text/plain 422/465/484 lines=1 dec=19
1.2 L text/html 516/558/598 lines=1 dec=40
2 L application/x-zip-compressed 663/822/5823 lines=1 dec=3750
"""),
        ["issue1189.mbox.txt#2"] = (530, """
- M multipart/alternative 0/288/530 lines=12 dec=242
1 L text/plain 319/362/381 lines=1 dec=19
2 L text/html 413/455/495 lines=1 dec=40
"""),
        ["issue1189.mbox.txt#3"] = (529, """
- M multipart/alternative 0/288/529 lines=11 dec=241
1 L text/plain 319/362/381 lines=1 dec=19
2 L text/html 413/455/495 lines=1 dec=40
"""),
        ["issue358.txt"] = (7679, """
- M multipart/alternative 0/6815/7679 lines=30 dec=864
1 L text/plain 6905/6998/7012 lines=2 dec=14
2 L text/html 7057/7149/7631 lines=12 dec=452
"""),
        ["japanese.txt"] = (565, """
1 L text/plain 0/454/565 lines=6 dec=111
"""),
        ["missing-subtype.txt"] = (256, """
1 L text/plain 0/241/256 lines=1 dec=15
"""),
        ["multipart-digest.txt"] = (481, """
1 R message/rfc822 0/151/481 lines=28 dec=330
1 M multipart/digest 151/274/481 lines=23 dec=207
1.1 R message/rfc822 291/321/363 lines=4 dec=42
1.1.1 L text/plain 321/355/363 lines=1 dec=8
1.2 R message/rfc822 371/419/461 lines=4 dec=42
1.2.1 L text/plain 419/453/461 lines=1 dec=8
"""),
        ["multipart-related-mhtml.txt"] = (2639, """
- M multipart/related 0/137/2639 lines=42 dec=2502
1 L image/png 236/320/1524 lines=16 dec=889
2 L text/html 1579/1665/2582 lines=13 dec=729
"""),
        ["rfc2060.txt"] = (1262, """
- M multipart/mixed 0/160/1262 lines=68 dec=1102
1 L text/plain 164/190/223 lines=1 dec=33
2 L application/octet-stream 228/268/301 lines=1 dec=33
3 R message/rfc822 306/336/638 lines=17 dec=302
3 M multipart/mixed 336/481/638 lines=11 dec=157
3.1 L text/plain 487/513/548 lines=1 dec=35
3.2 L application/octet-stream 555/595/630 lines=1 dec=35
4 M multipart/mixed 643/690/1255 lines=34 dec=565
4.1 L image/gif 696/721/756 lines=1 dec=35
4.2 R message/rfc822 763/793/1255 lines=26 dec=462
4.2 M multipart/mixed 793/942/1255 lines=20 dec=313
4.2.1 L text/plain 950/976/1013 lines=1 dec=37
4.2.2 M multipart/alternative 1022/1079/1245 lines=11 dec=166
4.2.2.1 L text/plain 1089/1115/1154 lines=1 dec=39
4.2.2.2 L text/richtext 1165/1194/1233 lines=1 dec=39
"""),
        ["simple-embedded-message.anonymized.eml"] = (823, """
- M multipart/mixed 0/382/823 lines=18 dec=441
1 L text/plain 426/467/493 lines=1 dec=26
2 R message/rfc822 538/568/776 lines=8 dec=208
2.1 L text/plain 568/741/776 lines=1 dec=35
"""),
        ["simple-embedded-message.eml"] = (823, """
- M multipart/mixed 0/382/823 lines=18 dec=441
1 L text/plain 426/467/493 lines=1 dec=26
2 R message/rfc822 538/568/776 lines=8 dec=208
2.1 L text/plain 568/741/776 lines=1 dec=35
"""),
        ["simple-multipart.anonymized.eml"] = (863, """
- M multipart/mixed 0/353/863 lines=18 dec=510
1 L text/plain 430/503/529 lines=1 dec=26
2 L application/octet-stream 574/730/783 lines=1 dec=39
"""),
        ["simple-multipart.eml"] = (863, """
- M multipart/mixed 0/353/863 lines=18 dec=510
1 L text/plain 430/503/529 lines=1 dec=26
2 L application/octet-stream 574/730/783 lines=1 dec=38
"""),
        ["simple.mbox.txt#0"] = (518, """
- M multipart/mixed 0/209/518 lines=15 dec=309
1 M multipart/mixed 213/259/518 lines=12 dec=259
1.1 M multipart/mixed 264/311/518 lines=9 dec=207
1.1.1 L text/plain 317/343/518 lines=6 dec=175
"""),
        ["simple.mbox.txt#1"] = (495, """
- M multipart/mixed 0/195/495 lines=15 dec=300
1 M multipart/mixed 199/244/495 lines=12 dec=251
1.1 M multipart/mixed 248/293/495 lines=9 dec=202
1.1.1 L text/plain 297/323/495 lines=6 dec=172
"""),
        ["simple.mbox.txt#2"] = (498, """
- M multipart/mixed 0/206/498 lines=15 dec=292
1 M multipart/mixed 209/253/498 lines=12 dec=245
1.1 M multipart/mixed 256/300/498 lines=9 dec=198
1.1.1 L text/plain 303/329/498 lines=6 dec=169
"""),
        ["stack-overflow.txt"] = (135690, """
1 L text/plain 0/135676/135690 lines=2 dec=14
"""),
        ["startrek.eml"] = (177067, """
- M multipart/mixed 0/509/177067 lines=4535 dec=176558
1 M multipart/parallel 526/622/32564 lines=452 dec=31942
1.1 L text/plain 653/654/1369 lines=17 dec=715
1.2 L audio/basic 1401/1485/32531 lines=426 dec=22964
2 M multipart/mixed 32582/32675/129770 lines=3421 dec=97095
2.1 L image/gif 32706/32788/58436 lines=352 dec=18971
2.2 L image/gif 58468/58550/76963 lines=253 dec=13619
2.3 L text/plain 76995/77109/120798 lines=2437 dec=43689
2.4 L application/atomicmail 120830/120891/129737 lines=357 dec=8846
3 L audio/basic 129788/129872/177047 lines=647 dec=34894
"""),
        ["unmunged.mbox.txt#0"] = (235, """
1 L text/plain 0/145/235 lines=6 dec=90
"""),
        ["unmunged.mbox.txt#1"] = (252, """
1 L text/plain 0/143/252 lines=6 dec=109
"""),
    };
}
