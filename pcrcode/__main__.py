from pcrcode.cli import main

main()
